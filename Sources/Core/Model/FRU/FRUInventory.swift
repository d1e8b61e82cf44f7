/// FRU device 0: the inventory image that Read and Write FRU Data work on. It starts as the
/// image encoded from the config. Once a client writes to it, the whole image is saved in the
/// state directory and takes over from the config, on this start and every later one (like
/// the user table).
public final class FRUInventory {
    /// The only FRU device: the switch itself, behind the BMC.
    public static let deviceID: UInt8 = 0
    /// The device's size: room for every area with every field at its longest, so the
    /// configured image always fits and clients can grow a field (ipmitool's `fru edit`).
    public static let capacity = 1024
    static let fileName = "fru-0.bin"

    public private(set) var image: [UInt8]
    private let path: String

    public init(configuration: FRUConfiguration, store: StateStore) throws {
        path = store.path(FRUInventory.fileName)
        if let saved = try AtomicFile.read(path) {
            // Get FRU Inventory Area Info reports the size in 16 bits.
            guard (1...0xFFFF).contains(saved.count) else { throw InvalidImage(path: path, size: saved.count) }
            image = saved
        } else {
            let encoded = FRUEncoder.image(for: configuration)
            image = encoded + [UInt8](repeating: 0, count: max(0, FRUInventory.capacity - encoded.count))
        }
    }

    public var size: Int { image.count }

    /// Up to `count` bytes from `offset`, fewer where the image ends; nil when `offset` is past the end.
    public func read(at offset: Int, count: Int) -> ArraySlice<UInt8>? {
        guard offset < image.count else { return nil }
        return image[offset..<min(offset + count, image.count)]
    }

    /// Overwrites bytes at `offset` and saves the whole image durably before returning;
    /// if it cannot be saved, nothing changes.
    public func write(_ data: [UInt8], at offset: Int) throws(WriteError) {
        guard offset + data.count <= image.count else { throw .outOfRange }
        try saveThenApply(from: image, saving: { $0 }, with: save,
                          { (image: inout [UInt8]) throws(WriteError) in image.replaceSubrange(offset..<offset + data.count, with: data) },
                          then: { image = $0 })
    }

    private func save(_ image: [UInt8]) throws(WriteError) {
        do throws(FileError) {
            try AtomicFile.write(image, to: path)
        } catch {
            throw .notSaved(error)
        }
    }

    public enum WriteError: Error {
        /// The data would run past the end of the device.
        case outOfRange
        case notSaved(FileError)
    }

    public struct InvalidImage: Error, CustomStringConvertible {
        public var path: String
        public var size: Int
        public var description: String { "\(path): a FRU image is 1 to 65535 bytes, not \(size)" }
    }
}
