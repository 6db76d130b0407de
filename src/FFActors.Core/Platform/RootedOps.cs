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
}
