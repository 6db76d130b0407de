using FFActors.Core.Training;
using Xunit;

namespace FFActors.TestSupport;

/// <summary>
/// Two networks compared the way the determinism promise is stated: every parameter, every buffer (a CwC block's
/// BatchNorm statistics) and the state a checkpoint keeps beyond the module (peer-normalisation means), bit for bit.
/// </summary>
public static class Weights
{
    public static void AssertSame(FFNetwork expected, FFNetwork actual, string what)
    {
        Assert.Equal(expected.Layers.Count, actual.Layers.Count);
        for (int l = 0; l < expected.Layers.Count; l++)
        {
            var pe = expected.Layers[l].Module.named_parameters().ToArray();
            var pa = actual.Layers[l].Module.named_parameters().ToArray();
            Assert.True(pe.Select(p => p.name).SequenceEqual(pa.Select(p => p.name)), $"{what}: layer {l} has other parameters");
            for (int i = 0; i < pe.Length; i++)
                Assert.True(Tensors.Same(pe[i].parameter, pa[i].parameter), $"{what}: layer {l} parameter {pe[i].name} differs");
            var be = expected.Layers[l].Module.named_buffers().ToArray();
            var ba = actual.Layers[l].Module.named_buffers().ToArray();
            Assert.True(be.Select(b => b.name).SequenceEqual(ba.Select(b => b.name)), $"{what}: layer {l} has other buffers");
            for (int i = 0; i < be.Length; i++)
                Assert.True(Tensors.Same(be[i].buffer, ba[i].buffer), $"{what}: layer {l} buffer {be[i].name} differs");
            Assert.True(Tensors.Same(expected.Layers[l].State, actual.Layers[l].State), $"{what}: layer {l} state (running mean) differs");
        }
    }

    /// <summary>Whether every parameter and buffer of the two networks is bitwise equal (for "training moved the weights").</summary>
    public static bool Equal(FFNetwork a, FFNetwork b)
    {
        if (a.Layers.Count != b.Layers.Count) return false;
        for (int l = 0; l < a.Layers.Count; l++)
        {
            var ta = a.Layers[l].Module.parameters().Concat(a.Layers[l].Module.buffers()).ToArray();
            var tb = b.Layers[l].Module.parameters().Concat(b.Layers[l].Module.buffers()).ToArray();
            if (ta.Length != tb.Length) return false;
            for (int i = 0; i < ta.Length; i++)
                if (!Tensors.Same(ta[i], tb[i])) return false;
        }
        return true;
    }
}
