using System.CommandLine;
using FFActors.Cli.Experiments;

namespace FFActors.Cli.Commands;

/// <summary><c>ffactors experiment FILE</c>: run an experiment grid (arms × seeds) and write its table and charts.</summary>
public static class ExperimentCommand
{
    static readonly Argument<string> FileArgument = new("file") { Description = "Experiment file (HOCON, see hocon/experiment.conf), e.g. samples/experiments/transfer.conf" };
    static readonly Option<bool> QuickOption = new("--quick") { Description = "Run the experiment's quick profile (experiment.quick)" };
    static readonly Option<string?> OutOption = new("--out") { Description = "Results folder (default: experiment.out-dir/NAME, NAME-quick with --quick)" };
    static readonly Option<string[]> SetOption = new("--set", "-s") { Description = "Override one train-config key in every arm (applied last): --set data.dir=/data (repeatable)", Arity = ArgumentArity.ZeroOrMore };
    static readonly Option<string?> OnlyOption = new("--only") { Description = "Run only these arms, comma-separated (instead of experiment.only)" };
    static readonly Option<int?> ParallelOption = new("--parallel") { Description = "Arm-seeds run at once (default: experiment.parallel; 0 = max(1, cores / 2))" };

    public static Command Create()
    {
        var command = new Command("experiment", "Run every arm × seed of an experiment file (resumable) and write results.json, results.md and charts");
        command.Arguments.Add(FileArgument);
        foreach (var o in new Option[] { QuickOption, OutOption, OnlyOption, ParallelOption, SetOption }) command.Options.Add(o);
        command.SetAction(parse => Run(parse.GetValue(FileArgument)!, parse.GetValue(QuickOption), parse.GetValue(OutOption), parse.GetValue(ParallelOption), parse.GetValue(SetOption),
            only: parse.GetValue(OnlyOption)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        return command;
    }

    /// <returns>0 when every arm-seed succeeded, 1 when any failed (configuration errors throw ConfigException: exit 2).</returns>
    public static int Run(string file, bool quick = false, string? outDir = null, int? parallel = null, IReadOnlyList<string>? sets = null, CancellationToken cancel = default,
        IReadOnlyList<string>? only = null)
    {
        var spec = ExperimentLoader.Load(file, quick, outDir, parallel, sets, only);
        // Ctrl-C: running arm-seeds stop at a checkpoint and are recorded as not finished (a rerun retries them).
        using var stop = new GracefulStop(cancel);
        return ExperimentRunner.Run(spec, stop.Token);
    }
}
