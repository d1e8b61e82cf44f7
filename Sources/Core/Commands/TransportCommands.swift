/// The Transport network function (netfn 0x0C): LAN configuration parameters.
/// Placeholder: the LAN configuration work fills it in.
public enum TransportCommands {
    public static let table: [CommandSpec] = []
}
