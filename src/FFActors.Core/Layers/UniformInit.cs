using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// U(−bound, bound) drawn from a layer's own generator rather than torch's global RNG, so weights depend
/// only on (seed, layer) and not on which thread or actor built the layer first.
/// </summary>
public static class UniformInit
{
    public static void Fill(Tensor parameter, double bound, Generator init)
    {
        using (no_grad())
        using (NewDisposeScope())
            parameter.copy_(rand(parameter.shape, generator: init).mul_(KeptScalars.Of(2 * bound)).sub_(KeptScalars.Of(bound)));
    }
}
