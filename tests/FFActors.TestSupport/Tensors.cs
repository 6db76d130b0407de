using static TorchSharp.torch;

namespace FFActors.TestSupport;

/// <summary>Exact comparisons and plain copies of tensors.</summary>
public static class Tensors
{
    /// <summary>Same dtype, same shape and every element bitwise-equal (torch.equal semantics).</summary>
    public static bool Same(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.Equals(b);

    public static float[] Floats(Tensor t) => t.contiguous().cpu().data<float>().ToArray();

    public static long[] Longs(Tensor t) => t.contiguous().cpu().data<long>().ToArray();
}
