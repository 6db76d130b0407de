using FFActors.Core.Data;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// What an adaptive negative strategy may ask of the current network: the goodness it gives to
/// inputs (labels already overlaid), summed over the layers used for scoring. Strategies never
/// train the network; they only read it.
/// </summary>
public interface INegativeModel
{
    /// <summary>
    /// Total goodness [B] of <paramref name="inputs"/> [B, F] (labels already overlaid). Follows the
    /// caller's autograd mode: inside <c>no_grad</c> it builds no graph, otherwise it is
    /// differentiable with respect to <paramref name="inputs"/> (the adversarial strategy uses this).
    /// </summary>
    Tensor Goodness(Tensor inputs);

    /// <summary>Per-label goodness [B, C] of raw images [B, F]: column c overlays label c (no autograd).</summary>
    Tensor Scores(Tensor images, LabelOverlay overlay)
    {
        using var _ = no_grad();
        var columns = new Tensor[overlay.Classes];
        for (int c = 0; c < overlay.Classes; c++)
        {
            using var scope = NewDisposeScope();
            columns[c] = Goodness(overlay.Apply(images, c)).MoveToOuterDisposeScope();
        }
        var result = stack(columns, 1);
        foreach (var t in columns) t.Dispose();
        return result;
    }
}
