using FFActors.Core.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Data;

/// <summary>
/// Writes a label into the first <see cref="Classes"/> inputs of each sample (one-hot, scaled),
/// which is how supervised FF tells the network which label it is judging; or, with
/// <see cref="LabelPlacement.Block"/>, appends it as <see cref="Classes"/> extra inputs after the image.
/// </summary>
/// <param name="Value">The "on" value; null means the maximum of the batch (the mpezeshki/seed recipe).</param>
/// <param name="Placement">Where the label goes: over the first pixels, or in a block of its own after them.</param>
public sealed record LabelOverlay(double? Value = null, int Classes = 10, LabelPlacement Placement = LabelPlacement.Pixels)
{
    /// <summary>The overlay a model's options ask for (model.label-value, model.label-input).</summary>
    public static LabelOverlay For(Layers.ModelOptions model) => new(model.LabelValue, Placement: model.LabelPlacement);

    /// <summary>Inputs the overlay adds to each image: none over the pixels, <see cref="Classes"/> for a block.</summary>
    public int ExtraInputs => Placement == LabelPlacement.Block ? Classes : 0;

    /// <summary>Activity placed in every slot when no label is meant (Hinton's neutral label).</summary>
    public const double NeutralValue = 0.1;

    /// <summary>A copy of <paramref name="x"/> [B, F] with labels [B] overlaid.</summary>
    public Tensor Apply(Tensor x, Tensor labels)
    {
        using var on = (Value ?? x.max().item<float>()).ToScalar();
        if (Placement == LabelPlacement.Block)
        {
            using var block = zeros([x.shape[0], Classes], dtype: x.dtype, device: x.device);
            block.scatter_(1, labels.unsqueeze(1), full([x.shape[0], 1], on, dtype: x.dtype, device: x.device));
            return cat([x, block], 1);
        }
        var result = x.clone();
        result.narrow(1, 0, Classes).zero_();
        result.scatter_(1, labels.unsqueeze(1), full([x.shape[0], 1], on, dtype: x.dtype, device: x.device));
        return result;
    }

    /// <summary>A copy of <paramref name="x"/> with every label slot set to the same label for all rows.</summary>
    public Tensor Apply(Tensor x, int label)
    {
        using var labels = full([x.shape[0]], KeptScalars.Of(label), dtype: ScalarType.Int64, device: x.device);
        return Apply(x, labels);
    }

    /// <summary>
    /// A copy of <paramref name="x"/> with <see cref="NeutralValue"/> in every label slot; with a label block, the block
    /// is dropped (all zero), so the image alone reaches the units.
    /// </summary>
    public Tensor Neutral(Tensor x)
    {
        if (Placement == LabelPlacement.Block)
        {
            using var block = zeros([x.shape[0], Classes], dtype: x.dtype, device: x.device);
            return cat([x, block], 1);
        }
        var result = x.clone();
        result.narrow(1, 0, Classes).fill_(KeptScalars.Of(NeutralValue));
        return result;
    }
}

/// <summary>Where <see cref="LabelOverlay"/> puts the label (model.label-input).</summary>
public enum LabelPlacement
{
    /// <summary>Over the first pixels of the image (Hinton's and the mpezeshki recipe's overlay).</summary>
    Pixels,
    /// <summary>In extra inputs after the image; model.layers[0] is then the image size + the classes.</summary>
    Block,
}
