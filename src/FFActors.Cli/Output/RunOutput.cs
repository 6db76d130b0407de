using FFActors.Cli.Jobs;
using FFActors.Cli.Report;
using FFActors.Core.Evaluation;
using FFActors.Core.Training;

namespace FFActors.Cli.Output;

/// <summary>
/// Where a finished train run's figures go besides the console: a result file (<c>--result</c>),
/// the JSON object <c>--json</c> prints, and TensorBoard event files (<c>--tensorboard</c>).
/// </summary>
/// <param name="ResultPath">The result file to add the run to; null = none.</param>
/// <param name="Json">Print the final results as one JSON object.</param>
/// <param name="TensorBoard">Write TensorBoard event files into the run folder.</param>
public sealed class RunOutput(string? ResultPath, bool Json, bool TensorBoard = false)
{
    public bool Json { get; } = Json;

    /// <summary>What <c>--json</c> prints, once the run finished; null while it has not.</summary>
    public object? Printed { get; private set; }

    /// <summary>Before training: throws when the result file would refuse this run's configuration.</summary>
    public void CheckCanRecord(string config)
    {
        if (ResultPath is not null) ResultRecorder.CheckCanAdd(ResultPath, config);
    }

    /// <param name="config">The run's config.conf, which a result file records.</param>
    /// <param name="title">How a results table names the run.</param>
    public void Finished(RunFolder run, string config, RunResults figures, string title, IReadOnlyList<EpochMetrics> metrics, EvaluationResult evaluation)
    {
        if (TensorBoard) TensorBoardLog.Write(run.File(TensorBoardLog.Folder), metrics, evaluation);
        if (ResultPath is not null)
        {
            // A run finished by a resume is recorded under the command that started it, which a reader can run again.
            string command = ResultRecorder.CommandLine();
            if (run.StartCommand() is { } start && start != command) command = $"{start} (resumed with ffactors train --resume)";
            ResultRecorder.AddTrainRun(ResultPath, title, config, figures, command, curves: SeedFigures.CurvesOf(metrics));
            Console.WriteLine($"result file {ResultPath}");
        }
        Printed = new { run = run.Path, version = BuildInfo.Version, commit = BuildInfo.Commit, results = figures };
    }
}
