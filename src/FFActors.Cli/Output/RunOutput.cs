using FFActors.Cli.Jobs;
using FFActors.Cli.Report;

namespace FFActors.Cli.Output;

/// <summary>
/// Where a finished train run's figures go besides the console: a result file (<c>--result</c>)
/// and the JSON object <c>--json</c> prints.
/// </summary>
/// <param name="ResultPath">The result file to add the run to; null = none.</param>
/// <param name="Json">Print the final results as one JSON object.</param>
public sealed class RunOutput(string? ResultPath, bool Json)
{
    public bool Json { get; } = Json;

    /// <summary>What <c>--json</c> prints, once the run finished; null while it has not.</summary>
    public object? Printed { get; private set; }

    /// <param name="config">The run's config.conf, which a result file records.</param>
    /// <param name="title">How a results table names the run.</param>
    public void Finished(string runPath, string config, RunResults figures, string title)
    {
        if (ResultPath is not null)
        {
            ResultRecorder.AddTrainRun(ResultPath, title, config, figures, ResultRecorder.CommandLine());
            Console.WriteLine($"result file {ResultPath}");
        }
        Printed = new { run = runPath, version = BuildInfo.Version, commit = BuildInfo.Commit, results = figures };
    }
}
