using FFActors.Core.Kernels;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

/// <summary>The one-pass, blocked Adam step against TorchSharp's own Adam, and against itself run by other threads.</summary>
public class AdamStepTests
{
    /// <summary>A weight of 301×250 (two blocks, the second not a multiple of any SIMD width) and a bias of 7 (scalar tail only).</summary>
    static (Parameter W, Parameter B) Parameters(long seed)
    {
        using var gen = new Generator((ulong)seed);
        return (new Parameter(randn([301, 250], generator: gen)), new Parameter(randn([7], generator: gen)));
    }

    static void SetGradients(Parameter w, Parameter b, Generator gen)
    {
        w.grad = randn(w.shape, generator: gen).mul(KeptScalars.Of(0.1));
        b.grad = randn(b.shape, generator: gen);
    }

    sealed class ReverseOnThreads : IChunkRunner
    {
        public int Chunks;

        public void Run(int count, Action<int> chunk)
        {
            Chunks += count;
            for (int i = count - 1; i >= 0; i--)
            {
                int k = i;
                var thread = new Thread(() => chunk(k));
                thread.Start();
                thread.Join();
            }
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void One_pass_step_follows_torchsharps_adam(double weightDecay)
    {
        using var scope = NewDisposeScope();
        var (w1, b1) = Parameters(4);
        var (w2, b2) = Parameters(4);
        using var reference = optim.Adam([w1, b1], 0.01, weight_decay: weightDecay);
        using var fused = optim.Adam([w2, b2], 0.01, weight_decay: weightDecay);
        Assert.True(AdamStep.Supports(fused));
        using var gen1 = new Generator(8);
        using var gen2 = new Generator(8);
        for (int step = 0; step < 5; step++)
        {
            SetGradients(w1, b1, gen1);
            SetGradients(w2, b2, gen2);
            reference.step();
            AdamStep.Run(fused, InlineChunks.Instance);
        }
        Assert.True(w2.allclose(w1, rtol: 1e-5, atol: 1e-7), $"weights differ from TorchSharp's Adam by up to {(w2 - w1).abs().max().item<float>()}");
        Assert.True(b2.allclose(b1, rtol: 1e-5, atol: 1e-7), "biases differ from TorchSharp's Adam");
        Assert.False(w2.allclose(Parameters(4).W), "the step did not move the weights");
        var s1 = reference.state_dict().State.Cast<Adam.State>().ToArray();
        var s2 = fused.state_dict().State.Cast<Adam.State>().ToArray();
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(s1[i].step, s2[i].step);
            Assert.True(s2[i].exp_avg.allclose(s1[i].exp_avg, rtol: 1e-5, atol: 1e-8), $"first moment {i} differs");
            Assert.True(s2[i].exp_avg_sq.allclose(s1[i].exp_avg_sq, rtol: 1e-5, atol: 1e-10), $"second moment {i} differs");
        }
    }

    [Fact]
    public void Blocks_run_in_reverse_on_other_threads_give_the_same_bits()
    {
        using var scope = NewDisposeScope();
        var (w1, b1) = Parameters(5);
        var (w2, b2) = Parameters(5);
        using var inline = optim.Adam([w1, b1], 0.01);
        using var shared = optim.Adam([w2, b2], 0.01);
        var runner = new ReverseOnThreads();
        using var gen1 = new Generator(2);
        using var gen2 = new Generator(2);
        for (int step = 0; step < 3; step++)
        {
            SetGradients(w1, b1, gen1);
            SetGradients(w2, b2, gen2);
            AdamStep.Run(inline, InlineChunks.Instance);
            AdamStep.Run(shared, runner);
        }
        Assert.Equal(3 * 3, runner.Chunks); // two blocks of the weight and one of the bias per step
        Assert.True(Tensors.Same(w1, w2) && Tensors.Same(b1, b2), "weights differ");
    }

    [Fact]
    public void Sgd_is_left_to_torchsharp()
    {
        var (w, b) = Parameters(1);
        using var sgd = optim.SGD([w, b], 0.1);
        Assert.False(AdamStep.Supports(sgd));
        using var adam = optim.Adam([w, b], 0.1, amsgrad: true);
        Assert.False(AdamStep.Supports(adam));
    }
}
