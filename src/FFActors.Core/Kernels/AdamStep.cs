using System.Numerics;
using System.Runtime.InteropServices;
using FFActors.Core.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Kernels;

/// <summary>
/// Adam's update of a TorchSharp <see cref="Adam"/> optimizer's parameters in one pass over each element, in blocks
/// that an <see cref="IChunkRunner"/> can hand to idle threads. TorchSharp's own step makes eight passes over every
/// weight-sized tensor and allocates two temporaries; at batch 100 on a 1000×1000 layer it took 2–8 ms of a ~20 ms
/// step, memory-bound, so two layers on two cores slowed each other down. The math is TorchSharp's (L2 weight decay
/// added to the gradient, bias-corrected moments, ε added to √v̂); the moments and step counts stay in the
/// optimizer's state, so <see cref="LayerCheckpoint"/> keeps TorchSharp's format. A learning dense layer's step
/// (<see cref="DenseStep"/>) uses it; autograd-driven layers keep TorchSharp's step (see <see cref="Layers.LabelDrivenLayer.Finish"/>).
/// </summary>
/// <remarks>
/// Every element is updated on its own with IEEE float operations (no fused multiply-add), so the bits depend neither on
/// the blocks' order or thread nor on the SIMD width of the machine.
/// </remarks>
public static class AdamStep
{
    /// <summary>Elements per block: 256 KB of each of the four arrays.</summary>
    public const int BlockElements = 1 << 16;

    /// <summary>Whether <see cref="Run"/> can update <paramref name="optimizer"/>: an Adam without AMSGrad or maximize, on float32 CPU parameters.</summary>
    public static bool Supports(optim.Optimizer optimizer) =>
        optimizer is Adam adam
        && adam.ParamGroups.Cast<ParamGroup>().All(g => g.Options is Adam.Options { amsgrad: not true, maximize: not true }
            && g.Parameters.All(p => p.device_type == DeviceType.CPU && p.dtype == ScalarType.Float32 && p.is_contiguous()));

    /// <summary>The optimizer's step: this one for an Adam it <see cref="Supports"/>, TorchSharp's for any other (SGD, CUDA).</summary>
    public static void Step(optim.Optimizer optimizer, IChunkRunner runner)
    {
        if (Supports(optimizer)) Run((Adam)optimizer, runner);
        else optimizer.step();
    }

    /// <summary>One Adam step of every parameter that has a gradient (as <c>adam.step()</c>).</summary>
    public static void Run(Adam adam, IChunkRunner runner)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var states = adam.state_dict().State;
        var updates = new List<Update>();
        int index = 0;
        foreach (var group in adam.ParamGroups.Cast<ParamGroup>())
        {
            var o = (Adam.Options)group.Options;
            foreach (var p in group.Parameters)
            {
                var state = (Adam.State)states[index++];
                if (p.grad is not { } grad) continue;
                state.step += 1;
                double correction1 = 1 - Math.Pow(o.beta1!.Value, state.step);
                double correction2 = 1 - Math.Pow(o.beta2!.Value, state.step);
                updates.Add(new Update(p, grad.contiguous(), state.exp_avg, state.exp_avg_sq, (float)o.beta1.Value, (float)o.beta2.Value,
                    (float)(1 - o.beta1.Value), (float)(1 - o.beta2.Value), (float)(o.LearningRate!.Value / correction1),
                    (float)Math.Sqrt(correction2), (float)o.eps!.Value, (float)o.weight_decay!.Value));
            }
        }
        var blocks = updates.SelectMany(u => Enumerable.Range(0, (int)((u.Parameter.NumberOfElements + BlockElements - 1) / BlockElements))
            .Select(k => (Update: u, Start: k * BlockElements))).ToArray();
        runner.Run(blocks.Length, j =>
        {
            var (u, start) = blocks[j];
            int length = (int)Math.Min(BlockElements, u.Parameter.NumberOfElements - start);
            Apply(u, Floats(u.Parameter).Slice(start, length), Floats(u.Gradient).Slice(start, length),
                Floats(u.Mean).Slice(start, length), Floats(u.Variance).Slice(start, length));
        });
    }

    /// <summary>One parameter's update; 1 − β is rounded from the double, as TorchSharp's scalar is.</summary>
    sealed record Update(Tensor Parameter, Tensor Gradient, Tensor Mean, Tensor Variance, float Beta1, float Beta2,
        float OneMinusBeta1, float OneMinusBeta2, float StepSize, float SqrtCorrection2, float Eps, float WeightDecay);

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − step·m / (√v / √(1−β₂ᵗ) + ε), with g ← g + λp first.</summary>
    static void Apply(Update u, Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v)
    {
        float b1 = u.Beta1, b2 = u.Beta2, c1 = u.OneMinusBeta1, c2 = u.OneMinusBeta2;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            var vb1 = new Vector<float>(b1);
            var vb2 = new Vector<float>(b2);
            var vc1 = new Vector<float>(c1);
            var vc2 = new Vector<float>(c2);
            var vStep = new Vector<float>(u.StepSize);
            var vRoot = new Vector<float>(u.SqrtCorrection2);
            var vEps = new Vector<float>(u.Eps);
            var vDecay = new Vector<float>(u.WeightDecay);
            for (; i <= p.Length - width; i += width)
            {
                var pi = new Vector<float>(p[i..]);
                var gi = new Vector<float>(g[i..]);
                if (u.WeightDecay != 0) gi += vDecay * pi;
                var mi = vb1 * new Vector<float>(m[i..]) + vc1 * gi;
                var vi = vb2 * new Vector<float>(v[i..]) + vc2 * (gi * gi);
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (pi - vStep * (mi / (Vector.SquareRoot(vi) / vRoot + vEps))).CopyTo(p[i..]);
            }
        }
        for (; i < p.Length; i++)
        {
            float gi = g[i];
            if (u.WeightDecay != 0) gi += u.WeightDecay * p[i];
            float mi = b1 * m[i] + c1 * gi;
            float vi = b2 * v[i] + c2 * (gi * gi);
            m[i] = mi;
            v[i] = vi;
            p[i] -= u.StepSize * (mi / (MathF.Sqrt(vi) / u.SqrtCorrection2 + u.Eps));
        }
    }
}
