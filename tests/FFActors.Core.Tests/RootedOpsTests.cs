using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

/// <summary>The rooted replacements compute TorchSharp's own results, bit for bit.</summary>
public class RootedOpsTests
{
    [Fact]
    public void Row_norms_are_vector_norms_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator(7);
        var x = randn([257, 784], generator: gen);
        Assert.True(Tensors.Same(linalg.vector_norm(x, 2, [1]), x.RowNorms()));
    }

    [Fact]
    public void Squares_are_torch_squares_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator(8);
        var x = randn([33, 65], generator: gen);
        Assert.True(Tensors.Same(x.square(), x.Squared()));
    }
}
