using System.CommandLine;
using System.Text.Json;
using FFActors.Cli.Experiments;
using FFActors.Cli.Report;

namespace FFActors.Cli.Commands;

/// <summary><c>ffactors experiment FILE</c>: run an experiment grid (arms × seeds) and write its table and charts.</summary>
public static class ExperimentCommand
{
    static readonly Argument<string> FileArgument = new("file") { Description = "Experiment file (HOCON, see hocon/experiment.conf), e.g. samples/experiments/transfer.conf" };
    static readonly Option<bool> QuickOption = new("--quick") { Description = "Run the experiment's quick profile (experiment.quick)" };
    static readonly Option<string?> OutOption = new("--out") { Description = "Results folder (default: experiment.out-dir/NAME, NAME-quick with --quick)" };
    static readonly Option<string[]> SetOption = new("--set", "-s") { Description = "Override one train-config key in every arm (applied last): --set data.dir=/data (repeatable)", Arity = ArgumentArity.ZeroOrMore };
    static readonly Option<string?> OnlyOption = new("--only") { Description = "Run only these arms, comma-separated (instead of experiment.only)" };
    static readonly Option<string?> ResultOption = new("--result") { Description = "Also write the per-arm, per-seed figures as a result file (results/TOPIC/NAME.json, see ffactors report)" };
    static readonly Option<int?> ParallelOption = new("--parallel") { Description = "Arm-seeds run at once (default: experiment.parallel; 0 = max(1, cores / 2))" };

    public static Command Create()
    {
        var command = new Command("experiment", "Run every arm × seed of an experiment file (resumable) and write results.json, results.md and charts");
        command.Arguments.Add(FileArgument);
        foreach (var o in new Option[] { QuickOption, OutOption, OnlyOption, ParallelOption, SetOption, ResultOption }) command.Options.Add(o);
        command.SetAction(parse => Run(parse.GetValue(FileArgument)!, parse.GetValue(QuickOption), parse.GetValue(OutOption), parse.GetValue(ParallelOption), parse.GetValue(SetOption),
            only: parse.GetValue(OnlyOption)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), result: parse.GetValue(ResultOption)));
        return command;
    }

    /// <returns>0 when every arm-seed succeeded, 1 when any failed, 130 when stopped (configuration errors throw ConfigException: exit 2).</returns>
    public static int Run(string file, bool quick = false, string? outDir = null, int? parallel = null, IReadOnlyList<string>? sets = null, CancellationToken cancel = default,
        IReadOnlyList<string>? only = null, string? result = null)
    {
        var spec = ExperimentLoader.Load(file, quick, outDir, parallel, sets, only);
        // Ctrl-C: running arm-seeds stop at a checkpoint and are recorded as stopped (a rerun continues them); no result file.
        using var stop = new GracefulStop(cancel);
        int code = ExperimentRunner.Run(spec, stop.Token);
        if (stop.Token.IsCancellationRequested) return ExitCode.Stopped;
        if (result is not null)
        {
            // Only a complete grid is a result: a partial one would be rendered into the docs as if it were whole.
            if (code != 0) throw new IOException($"--result {result}: not written, some arm-seeds failed or did not run");
            var runs = ReadRuns(Path.Combine(spec.OutDir, "results.json"));
            ResultRecorder.WriteExperiment(result, spec, runs, ResultRecorder.CommandLine());
            Console.WriteLine($"result file {result}");
        }
        return code;
    }

    /// <summary>The per-arm-seed records of the report the runner has just written.</summary>
    static List<ArmResult> ReadRuns(string reportJson)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(reportJson));
        return doc.RootElement.GetProperty("runs").Deserialize<List<ArmResult>>(ArmRunner.Json) ?? [];
    }
}
