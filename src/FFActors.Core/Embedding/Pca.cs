using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Embedding;

/// <summary>Principal component projection (SVD of the centred data), with a fixed sign per component so it is reproducible.</summary>
public static class Pca
{
    /// <summary>The first <paramref name="components"/> principal-component scores of x [n, d] → [n, k].</summary>
    public static Tensor Project(Tensor x, int components)
    {
        using var scope = NewDisposeScope();
        var centred = x.to_type(ScalarType.Float64) - x.to_type(ScalarType.Float64).mean([0], keepdim: true);
        int k = (int)Math.Min(components, Math.Min(centred.shape[0], centred.shape[1]));
        var (_, _, vh) = linalg.svd(centred, fullMatrices: false);
        var basis = vh.narrow(0, 0, k);
        // SVD leaves each component's sign arbitrary: make the largest-magnitude loading positive.
        var idx = basis.abs().argmax(1, keepdim: true);
        var sign = basis.gather(1, idx).sign();
        sign = where(sign.eq(KeptScalars.Of(0)), ones_like(sign), sign);
        basis = basis * sign;
        return centred.matmul(basis.t()).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
