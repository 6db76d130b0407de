using FFActors.Core.Objectives;
using FFActors.Core.Training;

namespace FFActors.Core.Layers;

/// <summary>Everything one FF layer needs to know: shape, objective and optimizer.</summary>
/// <param name="SharedHalves">The layer reads pairs [a ‖ b] of two <c>InputSize</c>-wide halves with one weight
/// matrix shared by both halves (SCFF's first layer); see <see cref="FFDenseLayer"/>.</param>
/// <param name="Cwc">Set for a CwC-FF convolutional block (then <paramref name="CwcObjective"/> is its objective and
/// InputSize/OutputSize are the flattened sizes); null for a dense layer.</param>
/// <param name="Hff">Set for a Hyperspherical FF layer (dense, with class prototypes).</param>
/// <param name="Distance">Set for a Distance-Forward layer (dense, with class centres).</param>
/// <param name="Window">Epochs in which the layer learns (ILT); null = every epoch.</param>
public sealed record LayerOptions(
    int Index,
    int InputSize,
    int OutputSize,
    InputNorm InputNorm,
    Objective Objective,
    double PeerNorm,
    OptimizerOptions Optimizer,
    bool SharedHalves = false,
    CwcBlockOptions? Cwc = null,
    CwcObjective? CwcObjective = null,
    EpochWindow? Window = null,
    HffOptions? Hff = null,
    DistanceOptions? Distance = null)
{
    /// <summary>A CwC block, HFF or Distance-Forward layer: it learns from labels in one pass, without negatives.</summary>
    public bool LabelDriven => Cwc is not null || Hff is not null || Distance is not null;

    /// <summary>This layer's learning rate in 0-based <paramref name="epoch"/> of <paramref name="epochs"/>: its schedule over its window.</summary>
    public double LearningRateAt(int epoch, int epochs) => Optimizer.LearningRateAt(epoch, epochs, Window);
}
