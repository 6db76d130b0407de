using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// The label context of the kinds whose units hear the label apart from their bottom-up input (dendritic FF, where it
/// drives the apical compartment, and prospective-configuration FF, where it is the feedback the inference phase
/// follows). It travels in band with the activities: the first <c>classes</c> columns of such a layer's input are the
/// context. Layer 0 finds it in the overlay's label slots (one label: one-hot; the neutral overlay: the same value in
/// every slot; label-free negatives: whatever the strategy left there), and every such layer writes it, normalised,
/// in front of its own activities, so the next layer finds it in the same place. No message path besides the
/// bottom-up one is needed, and a layer never asks which batch or which negative it is looking at.
/// </summary>
public static class LabelContext
{
    /// <summary>The context of input rows x [B, classes + F]: the label slots scaled to unit length (a zero row stays zero),
    /// so the overlay's "on" value does not matter: one label gives its one-hot vector, the neutral overlay 1/√classes everywhere.</summary>
    public static Tensor Of(Tensor x, int classes)
    {
        var slots = x.narrow(1, 0, classes);
        return slots.mul(slots.RowNorms().clamp_min(KeptScalars.Of(1e-12)).reciprocal().unsqueeze(1));
    }

    /// <summary>What follows the context in x [B, classes + F]: the previous layer's activities [B, F].</summary>
    public static Tensor After(Tensor x, int classes) => x.narrow(1, classes, x.shape[1] - classes);

    /// <summary>
    /// The image part of layer 0's input: the row with its label slots blanked, so the bottom-up weights stay images of
    /// the input (receptive fields) and the label reaches the unit only through the context.
    /// </summary>
    public static Tensor Blanked(Tensor x, int classes) =>
        cat([zeros([x.shape[0], classes], dtype: x.dtype, device: x.device), After(x, classes)], 1);

    /// <summary>A layer's output: its context in front of its activities h [B, H], [B, classes + H].</summary>
    public static Tensor Join(Tensor context, Tensor h) => cat([context, h], 1);
}
