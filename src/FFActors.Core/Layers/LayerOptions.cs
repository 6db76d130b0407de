using FFActors.Core.Objectives;
using FFActors.Core.Training;

namespace FFActors.Core.Layers;

/// <summary>Everything one dense FF layer needs to know: shape, objective and optimizer.</summary>
/// <param name="SharedHalves">The layer reads pairs [a ‖ b] of two <c>InputSize</c>-wide halves with one weight
/// matrix shared by both halves (SCFF's first layer); see <see cref="FFDenseLayer"/>.</param>
public sealed record LayerOptions(
    int Index,
    int InputSize,
    int OutputSize,
    InputNorm InputNorm,
    Objective Objective,
    double PeerNorm,
    OptimizerOptions Optimizer,
    bool SharedHalves = false);
