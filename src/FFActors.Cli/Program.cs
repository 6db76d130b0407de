using System.CommandLine;
using FFActors.Cli.Commands;
using FFActors.Cli.Platform;

var root = new RootCommand("FFActors: Forward-Forward training with one actor per layer.\n" + ExitCode.Table);
root.Options.Add(new Option<bool>("--verbose") { Description = "On a failure, print the stack trace after the one-line error", Recursive = true });
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(NodeCommand.Create());
root.Subcommands.Add(ExperimentCommand.Create());
root.Subcommands.Add(NcaCommand.Create());
root.Subcommands.Add(ConfigCommand.Create());
root.Subcommands.Add(ReportCommand.Create());
root.Subcommands.Add(PlotCommand.Create());

try
{
    ProcessTuning.Apply(); // before any tensor work: oneMKL fixes its kernel choice at the first GEMM
    var parse = root.Parse(args);
    if (parse.Errors.Count > 0)
    {
        // Bad command-line syntax is bad input like a bad key: one line each, exit 2 (System.CommandLine's own is 1 and the whole help).
        foreach (var error in parse.Errors) Console.Error.WriteLine($"ffactors: error: {error.Message.ReplaceLineEndings(" ")} (see ffactors --help)");
        return ExitCode.BadInput;
    }
    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    return Failure.Report(e, verbose: args.Contains("--verbose"), Console.Error);
}
