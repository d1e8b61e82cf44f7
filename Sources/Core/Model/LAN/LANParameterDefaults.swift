/// The LAN parameters' values before any client sets one: the config file's, in wire form.
extension LANConfiguration {
    var parameterDefaults: [LANParameterKey: [UInt8]] {
        var values: [LANParameterKey: [UInt8]] = [
            LANParameterKey(.ipAddress): ipAddress,
            LANParameterKey(.ipAddressSource): [addressSource.rawValue],
            LANParameterKey(.macAddress): macAddress,
            LANParameterKey(.subnetMask): subnetMask,
            // TTL 64, don't fragment, precedence 0 / normal TOS: the spec's defaults.
            LANParameterKey(.ipv4Header): [0x40, 0x40, 0x10],
            // The host's stack answers ARP for the BMC's address; the BMC sends no gratuitous ARP.
            LANParameterKey(.arpControl): [0x02],
            LANParameterKey(.gratuitousARPInterval): [0x04],
            LANParameterKey(.defaultGateway): defaultGateway,
            LANParameterKey(.defaultGatewayMAC): defaultGatewayMAC,
            LANParameterKey(.backupGateway): backupGateway,
            LANParameterKey(.backupGatewayMAC): backupGatewayMAC,
            LANParameterKey(.communityString): LANConfiguration.communityBytes(communityString),
            LANParameterKey(.vlanID): vlanID.map { [UInt8(truncatingIfNeeded: $0), 0x80 | UInt8($0 >> 8 & 0x0F)] } ?? [0, 0],
            LANParameterKey(.vlanPriority): [vlanPriority & 0x07],
            LANParameterKey(.badPasswordThreshold): [0, 0, 0, 0, 0, 0],
            LANParameterKey(.ipVersionEnables): [0x00], // IPv4 only
        ]
        for selector in 0...LANParameter.highestDestination {
            let destination = destinations.first { $0.selector == selector }
            values[LANParameterKey(.destinationType, selector: selector)] = LANConfiguration.typeBytes(destination)
            values[LANParameterKey(.destinationAddress, selector: selector)] =
                [0x00, 0x00] + (destination?.address ?? [0, 0, 0, 0]) + [0, 0, 0, 0, 0, 0]
            values[LANParameterKey(.destinationVLAN, selector: selector)] = [0, 0, 0]
        }
        return values
    }

    /// Parameter 16's 18 bytes: the string, NUL padded.
    static func communityBytes(_ community: String) -> [UInt8] {
        let bytes = Array(community.utf8.prefix(18))
        return bytes + [UInt8](repeating: 0, count: 18 - bytes.count)
    }

    /// Parameter 18 after the selector: PET type with the acknowledge bit, timeout, retries.
    static func typeBytes(_ destination: AlertDestination?) -> [UInt8] {
        guard let destination else { return [0x00, 3, 3] }
        return [destination.isAcknowledged ? 0x80 : 0x00, destination.ackTimeout, destination.retries & 0x07]
    }
}
