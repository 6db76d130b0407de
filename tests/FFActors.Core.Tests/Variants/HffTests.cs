using FFActors.Core.Layers;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Tests.Variants;

/// <summary>Hyperspherical FF: cosine class scores against unit-norm prototypes, single-pass training and inference.</summary>
public class HffTests
{
    [Fact]
    public void Class_scores_are_scaled_cosines_and_ignore_the_activity_norm()
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator(2);
        using var layer = new HffModule(12, 6, InputNorm.L2, new HffOptions(Classes: 3, Scale: 5), gen);
        var h = layer.forward(randn(4, 12, generator: gen));
        var s = layer.ClassScores(h);
        Assert.Equal([4L, 3], s.shape);
        Assert.True(s.abs().max().item<float>() <= 5 + 1e-4);
        Assert.True(layer.ClassScores(h.mul(KeptScalars.Of(7.0))).allclose(s, rtol: 1e-4, atol: 1e-5));
        // Against a direct cosine with prototype 1.
        var p = layer.parameters().Single(t => t.shape.SequenceEqual(new long[] { 3, 6 }));
        var cos = nn.functional.cosine_similarity(h, p[1].unsqueeze(0).expand(4, 6), dim: 1).mul(KeptScalars.Of(5.0));
        Assert.True(s.select(1, 1).allclose(cos, rtol: 1e-4, atol: 1e-5));
    }
}
