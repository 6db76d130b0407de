namespace FFActors.Cli.Jobs;

/// <summary>
/// The final figures of one training run: the run folder's results.json, what <c>train --json</c>
/// prints, and the per-seed entry of a result file (<c>train --result</c>). Accuracies are fractions;
/// null where the readout did not run.
/// </summary>
/// <param name="PeakResidentBytes">The process's peak resident set when the run finished (<see cref="PeakResidentSet"/>):
/// training and evaluation, plus whatever else the process ran before (an experiment's earlier arms).</param>
/// <param name="ReconstructionMse">A generative network's test inputs against their top-down reconstruction, mean squared error per
/// feature on the [0, 1] pixel scale (<see cref="GenerativeReport"/>); null for other networks.</param>
/// <param name="MeanImageMse">The same inputs against the mean training input: the yardstick of <paramref name="ReconstructionMse"/>.</param>
public sealed record RunResults(
    string Dataset, long Seed, int[] Layers, string Model, string Schedule, string Mode, int Epochs,
    string? Negatives, bool LabelFree, string Evaluation, int TestSamples,
    double? GoodnessAccuracy, IReadOnlyList<int>? ScoreLayers, double? HeadAccuracy, IReadOnlyList<int> HeadLayers,
    double TrainSeconds, double EvalSeconds, double TotalSeconds, long PeakResidentBytes, double? ReconstructionMse = null, double? MeanImageMse = null);
