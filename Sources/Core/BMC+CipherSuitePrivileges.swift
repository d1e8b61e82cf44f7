/// LAN parameter 24 enforced: a cipher suite's maximum privilege caps the sessions under it.
extension BMC {
    /// Lowers the ceiling (and, if above it, the present privilege) of every RMCP+ session whose
    /// suite's maximum privilege is now below it. New sessions are capped at Open Session.
    func capSessionsToCipherSuitePrivileges() {
        for session in sessions.active.values {
            guard case .rmcpPlus(let protection, _) = session.kind,
                  let policy = configuration.channel.policy(forSuite: protection.suite.id)
            else { continue }
            let ceiling = lan.maximumPrivilege(for: policy)
            session.maximumPrivilege = min(session.maximumPrivilege, ceiling)
            session.privilege = min(session.privilege, ceiling)
        }
    }
}
