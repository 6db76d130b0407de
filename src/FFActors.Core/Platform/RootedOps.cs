using static TorchSharp.torch;

namespace FFActors.Core.Platform;

/// <summary>
/// Tensor operations whose TorchSharp versions create a temporary Scalar behind the call (see
/// <see cref="KeptScalars"/>): TorchSharp's <c>square()</c> is <c>pow(2)</c> with an implicit Scalar,
/// which we saw freed mid-call ("INTERNAL ASSERT FAILED at Scalar.h" in <c>pow_Tensor_Scalar</c>).
/// </summary>
public static class RootedOps
{
    /// <summary>x² element-wise: the same kernel as TorchSharp's <c>square()</c>, with a rooted exponent.</summary>
    public static Tensor Squared(this Tensor x) => x.pow(KeptScalars.Of(2L));

    /// <summary>
    /// The Euclidean norm of each row of x [B, F]: [B]. TorchSharp's <c>linalg.vector_norm(x, 2, dims)</c> turns its
    /// <c>ord</c> into a temporary Scalar inside the call, and a layer failed with "Unknown scalar type" in
    /// <c>linalg_vector_norm</c> when the GC freed it. <c>linalg.norm</c> over one dimension passes no Scalar and runs
    /// the same kernel in libtorch (<c>linalg_vector_norm</c> with ord 2).
    /// </summary>
    public static Tensor RowNorms(this Tensor x) => linalg.norm(x, RowDim);

    static readonly long[] RowDim = [1];
}
