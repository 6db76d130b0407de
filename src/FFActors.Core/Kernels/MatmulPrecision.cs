using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Kernels;

/// <summary>
/// The precision of the blocked dense kernel's matmuls (<see cref="DenseStep"/>). <see cref="Float32"/> is the
/// definition. <see cref="BFloat16"/> multiplies bfloat16 copies of both operands (the weights once per step, each
/// input's rows once per step, each ∂L/∂z block once): oneDNN's GEMM accumulates them in float32 on CPUs with AVX-512
/// BF16 or AMX, and each product is rounded to bfloat16 (8 significant bits) before it reaches the float32 activities
/// and gradients. Everything else (goodness, loss, peer term, Adam, the weights themselves) stays float32.
/// </summary>
public sealed class MatmulPrecision
{
    public static MatmulPrecision Float32 { get; } = new(null);

    public static MatmulPrecision BFloat16 { get; } = new(ScalarType.BFloat16);

    readonly ScalarType? type;

    MatmulPrecision(ScalarType? type) => this.type = type;

    /// <summary>Wᵀ as the forward's right operand, contiguous (reading W transposed in place is slower).</summary>
    public Tensor Transposed(Tensor weight) =>
        type is { } t ? weight.detach().to(t).t().contiguous() : weight.detach().t().contiguous();

    /// <summary>An operand of the matmuls as they read it: an alias in float32, a bfloat16 copy otherwise.</summary>
    public Tensor Operand(Tensor x) => type is { } t ? x.to(t) : x.alias();

    /// <summary>dest = a·b (<paramref name="accumulate"/> false; dest's memory is not read) or dest += a·b.</summary>
    public void MultiplyInto(Tensor dest, Tensor a, Tensor b, bool accumulate)
    {
        if (type is not { } t)
        {
            dest.addmm_(a, b, accumulate ? 1f : 0f, 1f);
            return;
        }
        using var scope = NewDisposeScope();
        var product = (a.dtype == t ? a : a.to(t)).mm(b.dtype == t ? b : b.to(t));
        if (accumulate) dest.add_(product, KeptScalars.One);
        else dest.copy_(product);
    }
}
