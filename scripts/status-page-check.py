#!/usr/bin/python3
"""Drives the status page in headless Chromium over the Chrome DevTools protocol.

Usage: status-page-check.py URL SENSOR_COUNT CROSSING_SENSOR SCREENSHOT -- INJECT_COMMAND...

Checks that the page loads with no console error, shows SENSOR_COUNT sensor rows, that
each threshold sensor's history plot has points, then runs INJECT_COMMAND (a Set Sensor
Reading crossing) and checks that CROSSING_SENSOR's row turns Critical and a new SEL line
appears within the page's refresh period; saves a screenshot. Prints one line per check
and exits non-zero on the first failure. Needs Debian's chromium and python3-websocket.
"""
import base64, json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request
import websocket


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Page:
    def __init__(self, ws):
        self.ws, self.next_id, self.errors = ws, 0, []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.note(message)

    def note(self, message):
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            self.errors.append("exception: " + json.dumps(params.get("exceptionDetails", {}))[:500])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self.errors.append("log: " + params["entry"].get("text", ""))

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    def pump(self, seconds):
        """Reads events for a while (console errors arrive as events)."""
        self.ws.settimeout(0.1)
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                self.note(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                pass
        self.ws.settimeout(30)


def wait_for(page, expression, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = page.evaluate(expression)
        if value:
            return value
        page.pump(0.2)
    return page.evaluate(expression)


def fail(message):
    print("FAIL " + message)
    sys.exit(1)


def main():
    separator = sys.argv.index("--")
    url, sensor_count, crossing, screenshot = sys.argv[1:separator]
    inject = sys.argv[separator + 1:]
    port = free_port()
    profile = tempfile.mkdtemp(prefix="ipmigod-chromium-")
    browser = subprocess.Popen([shutil.which("chromium") or "/usr/bin/chromium", "--headless=new", "--no-sandbox",
                                "--disable-gpu", "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
                                f"--remote-debugging-port={port}", "--remote-allow-origins=*", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        target = None
        for _ in range(100):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=1))
                target = next(t for t in targets if t.get("type") == "page")
                break
            except Exception:
                time.sleep(0.1)
        if target is None:
            fail("chromium did not start")
        page = Page(websocket.create_connection(target["webSocketDebuggerUrl"], timeout=30))
        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            page.call(domain)
        page.call("Emulation.setDeviceMetricsOverride", width=1280, height=1500, deviceScaleFactor=1, mobile=False)
        page.call("Page.navigate", url=url)

        rows = wait_for(page, f"document.querySelectorAll('table.sensors tbody tr').length == {sensor_count} && "
                              "document.querySelectorAll('table.sensors tbody tr').length", 10)
        if rows != int(sensor_count):
            fail(f"sensor rows: {rows}, expected {sensor_count}")
        print(f"ok every sensor shown ({rows} rows)")
        plots = wait_for(page, "(() => { const p = [...document.querySelectorAll('svg.plot')];"
                               " return p.length > 0 && p.every(s => Number(s.dataset.points) > 1) && p.length; })()", 15)
        if not plots:
            fail("history plots without points: " + str(page.evaluate("[...document.querySelectorAll('svg.plot')].map(s => s.dataset.points)")))
        print(f"ok history plots have points ({plots} plots)")

        sel_before = page.evaluate("document.querySelectorAll('table.sel tbody tr').length")
        empty_before = page.evaluate("document.querySelector('table.sel').textContent.includes('(empty)')")
        result = subprocess.run(inject, capture_output=True, text=True)
        if result.returncode != 0:
            fail("inject: " + result.stdout + result.stderr)
        injected = time.time()
        row = f"document.querySelector('tr[data-sensor=\"{crossing}\"]')"
        critical = wait_for(page, f"{row} && {row}.className == 'Critical'", 3 + 1.5)
        if not critical:
            fail(f"{crossing} is not critical: " + str(page.evaluate(f"{row} && {row}.outerHTML")))
        sel_after = page.evaluate("document.querySelectorAll('table.sel tbody tr').length")
        if not (sel_after > sel_before or (empty_before and sel_after >= 1)):
            fail(f"no new SEL line ({sel_before} -> {sel_after})")
        sel_text = page.evaluate("document.querySelector('table.sel tbody tr').textContent")
        if "Upper Critical going high | Asserted" not in sel_text and "Upper Non-critical going high | Asserted" not in sel_text:
            fail("SEL line: " + sel_text)
        print(f"ok {crossing} critical and a new SEL line after {time.time() - injected:.1f} s: {sel_text}")
        page.pump(3.5)  # one more refresh, to catch errors it causes
        if page.errors:
            fail("console errors: " + "; ".join(page.errors))
        print("ok no console error")
        shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        with open(screenshot, "wb") as out:
            out.write(base64.b64decode(shot["data"]))
        print("ok screenshot " + screenshot)
    finally:
        browser.terminate()
        try:
            browser.wait(5)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
