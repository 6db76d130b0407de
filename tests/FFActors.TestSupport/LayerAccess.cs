using FFActors.Core.Layers;
using static TorchSharp.torch;

namespace FFActors.TestSupport;

/// <summary>The tests' view of a trained layer: the dense module whose weights they compare, and the state a checkpoint keeps.</summary>
public static class LayerAccess
{
    extension(IFFLayer layer)
    {
        public FFDenseLayer Layer => layer switch
        {
            DenseLayer dense => dense.Dense,
            _ => layer.Module as FFDenseLayer ?? (FFDenseLayer)layer.Module.children().First(),
        };

        public Tensor RunningMean => layer.State;
    }
}
