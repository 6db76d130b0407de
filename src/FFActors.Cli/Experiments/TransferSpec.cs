using FFActors.Core.Baselines;
using FFActors.Core.Evaluation;

namespace FFActors.Cli.Experiments;

/// <summary>The transfer protocol's settings (experiment.transfer).</summary>
/// <param name="Layers">Layers concatenated for the "all layers" feature set; null = every layer.</param>
public sealed record TransferSpec(string Target, int Validation, int TrainLimit, int TestLimit, int[]? Layers, ProbeBudget Probe, BackpropOptions Backprop)
{
    public override string ToString() =>
        $"target {Target}, validation {Validation}, train-limit {TrainLimit}, test-limit {TestLimit}, layers [{(Layers is null ? "all" : string.Join(",", Layers))}], probe {Probe}, backprop {Backprop}";
}
