using System.CommandLine;
using FFActors.Cli.Configuration;

namespace FFActors.Cli.Commands;

/// <summary>Command-line shortcuts for cluster keys, shared by <c>node</c> and <c>train --cluster</c>.</summary>
static class ClusterArgs
{
    public static readonly Option<string?> Host = new("--host") { Description = "Address to bind (same as --set cluster.host=H; default 127.0.0.1)" };
    public static readonly Option<int?> Port = new("--port") { Description = "TCP port (same as --set cluster.port=P; 0 = any)" };
    public static readonly Option<string?> NodeName = new("--node-name") { Description = "This layer host's name for explicit placement (cluster.node-name)" };
    public static readonly Option<string?> SeedNodes = new("--seed-nodes") { Description = "Comma-separated akka.tcp://ffactors@HOST:PORT seed nodes (cluster.seed-nodes)" };

    public static IEnumerable<Shortcut> Shortcuts(ParseResult parse)
    {
        if (parse.GetValue(Host) is { } host) yield return new Shortcut($"--host {host}", "cluster.host", host);
        if (parse.GetValue(Port) is { } port) yield return new Shortcut($"--port {port}", "cluster.port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (parse.GetValue(NodeName) is { } name) yield return new Shortcut($"--node-name {name}", "cluster.node-name", name);
        if (parse.GetValue(SeedNodes) is { } seeds)
            yield return new Shortcut($"--seed-nodes {seeds}", "cluster.seed-nodes",
                "[" + string.Join(", ", seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => $"\"{s}\"")) + "]");
    }
}
