using FFActors.Core.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Data;

/// <summary>
/// Writes a label into the first <see cref="Classes"/> inputs of each sample (one-hot, scaled),
/// which is how supervised FF tells the network which label it is judging.
/// </summary>
/// <param name="Value">The "on" value; null means the maximum of the batch (the mpezeshki/seed recipe).</param>
public sealed record LabelOverlay(double? Value = null, int Classes = 10)
{
    /// <summary>Activity placed in every slot when no label is meant (Hinton's neutral label).</summary>
    public const double NeutralValue = 0.1;

    /// <summary>A copy of <paramref name="x"/> [B, F] with labels [B] overlaid.</summary>
    public Tensor Apply(Tensor x, Tensor labels)
    {
        using var on = (Value ?? x.max().item<float>()).ToScalar();
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

    /// <summary>A copy of <paramref name="x"/> with <see cref="NeutralValue"/> in every label slot.</summary>
    public Tensor Neutral(Tensor x)
    {
        var result = x.clone();
        result.narrow(1, 0, Classes).fill_(KeptScalars.Of(NeutralValue));
        return result;
    }
}
