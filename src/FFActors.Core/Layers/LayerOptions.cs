using FFActors.Core.Objectives;
using FFActors.Core.Training;

namespace FFActors.Core.Layers;

/// <summary>Everything one dense FF layer needs to know: shape, objective and optimizer.</summary>
public sealed record LayerOptions(
    int Index,
    int InputSize,
    int OutputSize,
    InputNorm InputNorm,
    Objective Objective,
    double PeerNorm,
    OptimizerOptions Optimizer);
