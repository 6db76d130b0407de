using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>A random generator's state as bytes, for checkpoints: restoring it continues the same stream of draws.</summary>
public static class GeneratorState
{
    public static byte[] Of(Generator g)
    {
        using var state = g.get_state();
        return state.data<byte>().ToArray();
    }

    public static void Restore(Generator g, byte[] state)
    {
        using var t = tensor(state, dtype: ScalarType.Byte);
        g.set_state(t);
    }
}
