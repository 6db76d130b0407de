using System.CommandLine;
using Akka.Actor;
using FFActors.Cli.Configuration;
using FFActors.Runtime.Cluster;

namespace FFActors.Cli.Commands;

/// <summary><c>ffactors node --role layer-host</c>: a cluster member that hosts layer actors until it is stopped (Ctrl-C or SIGTERM leaves the cluster).</summary>
public static class NodeCommand
{
    static readonly Option<string> RoleOption = new("--role") { Description = "Member role: layer-host", DefaultValueFactory = _ => "layer-host" };
    static readonly Option<string?> ConfigOption = new("--config", "-c") { Description = "HOCON file (the same one the coordinator trains with: the frame size is computed from it)" };
    static readonly Option<string[]> SetOption = new("--set", "-s") { Description = "Override one key: --set cluster.port=4053 (repeatable)", Arity = ArgumentArity.ZeroOrMore };

    public static Command Create()
    {
        var command = new Command("node", "Run a cluster member that hosts layer actors for coordinators (ffactors train --cluster)");
        foreach (var o in new Option[] { RoleOption, ConfigOption, SetOption, ClusterArgs.Host, ClusterArgs.Port, ClusterArgs.NodeName, ClusterArgs.SeedNodes })
            command.Options.Add(o);
        command.SetAction(parse =>
        {
            var role = parse.GetValue(RoleOption);
            if (role != ClusterOptions.LayerHostRole) throw new ConfigException($"--role: '{role}' is not a node role (layer-host; the coordinator is `ffactors train --cluster`)");
            var overrides = CommandLineOverrides.Merge(parse.GetValue(SetOption) ?? [], ClusterArgs.Shortcuts(parse));
            return Run(parse.GetValue(ConfigOption), overrides);
        });
        return command;
    }

    public static int Run(string? configFile, IReadOnlyList<string> overrides, CancellationToken cancel = default)
    {
        var binder = new ConfigBinder(ConfigLoader.Load(configFile, overrides));
        var config = binder.Bind();
        var runtime = binder.BindRuntime();
        var cluster = binder.BindCluster();
        // Same configuration → same frame on every node; a full batch (size 0) is bounded by the training set.
        int trainSamples = config.Data.TrainLimit > 0 ? config.Data.TrainLimit : 60000;
        long frame = cluster.MaximumFrameSize > 0 ? cluster.MaximumFrameSize : FrameBudget.FrameFor(config, trainSamples);
        var system = LayerHostNode.Start(cluster, frame, mode: runtime.Mode, workSharing: runtime.WorkSharing);
        var self = ClusterSystem.SelfAddress(system);
        string name = cluster.NodeName.Length > 0 ? cluster.NodeName : ClusterSystem.SelfName(system);
        Console.WriteLine($"layer host {name} at {self} (frame {frame:N0} bytes; {FFActors.Runtime.Transport.DataPlane.Describe(system)}{(cluster.Tls is { Enabled: true } ? "; TLS" : "")}); " +
            (cluster.SeedNodes is { Count: > 0 } ? $"joining {string.Join(", ", cluster.SeedNodes)}" : "starting a new cluster"));
        Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => Console.WriteLine($"layer host {name} is up; waiting for coordinators (Ctrl-C or SIGTERM leaves the cluster)"));

        using var stop = new GracefulStop(cancel, $"layer host {name}: leaving the cluster");
        try
        {
            int which = Task.WaitAny(system.WhenTerminated, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }));
            if (which == 1)
            {
                CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).Wait(TimeSpan.FromSeconds(30));
                return 0;
            }
            Console.Error.WriteLine($"ffactors: layer host {name} was removed from the cluster (downed or shut down)");
            return 1;
        }
        finally
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(30));
        }
    }
}

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
