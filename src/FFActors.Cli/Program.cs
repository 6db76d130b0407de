using System.CommandLine;
using FFActors.Cli.Commands;
using FFActors.Cli.Configuration;
using FFActors.Core.Data;
using FFActors.Cli.Platform;

// Before any type of FFActors.Core loads: its module initializer loads libtorch (MklDispatch), which the restart would repeat.
AllocatorTuning.Apply();

var root = new RootCommand("FFActors: Forward-Forward training with one actor per layer");
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(NodeCommand.Create());
root.Subcommands.Add(ExperimentCommand.Create());
root.Subcommands.Add(ReportCommand.Create());

try
{
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is ConfigException or IdxFormatException or ArgumentException or IOException or FFActors.Runtime.Cluster.ClusterSetupException)
{
    Console.Error.WriteLine($"ffactors: error: {e.Message.ReplaceLineEndings(" ")}");
    return 2;
}
