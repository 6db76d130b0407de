using FFActors.Core.Baselines;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Tests.Baselines;

/// <summary>
/// The RBM against exact enumeration: a 4-visible, 3-hidden machine has 2⁷ = 128 joint states, so its partition function,
/// marginals, model statistics and log-likelihood gradient can be summed exactly and compared with what CD-k estimates.
/// </summary>
public class RbmTests(Xunit.Abstractions.ITestOutputHelper output)
{
    const int V = 4, H = 3;

    /// <summary>Every binary vector of n bits, one per row: [2ⁿ, n] (row r holds the bits of r).</summary>
    static Tensor AllStates(int n) =>
        tensor(Enumerable.Range(0, 1 << n).SelectMany(r => Enumerable.Range(0, n).Select(i => (float)((r >> i) & 1))).ToArray(), [1L << n, n]);

    /// <summary>A 4×3 machine with weights of order 1, so its distribution is far from uniform and from independent units.</summary>
    static Rbm TinyRbm(ulong seed)
    {
        using var g = new Generator(seed);
        var rbm = new Rbm(V, H, g);
        using var scope = NewDisposeScope();
        rbm.Set(randn([V, H], generator: g).mul_(KeptScalars.Of(1.5)), randn([V], generator: g).mul_(KeptScalars.Of(0.5)),
            randn([H], generator: g).mul_(KeptScalars.Of(0.5)));
        return rbm;
    }

    /// <summary>The exact joint p(v, h) over all 2⁴ × 2³ states ([16, 8]) and the states themselves.</summary>
    static (Tensor Joint, Tensor Vs, Tensor Hs) Exact(Rbm rbm)
    {
        var vs = AllStates(V);
        var hs = AllStates(H);
        var vv = vs.repeat_interleave(hs.shape[0], 0);
        var hh = hs.repeat(vs.shape[0], 1);
        var logUnnormalised = rbm.Energy(vv, hh).neg().to(ScalarType.Float64).reshape(vs.shape[0], hs.shape[0]);
        var joint = logUnnormalised.sub(logUnnormalised.flatten().logsumexp(0)).exp();
        return (joint, vs.to(ScalarType.Float64), hs.to(ScalarType.Float64));
    }

    /// <summary>⟨v hᵀ⟩ under the exact joint: Σ_{v,h} p(v,h) v hᵀ, [4, 3].</summary>
    static Tensor ExactVH(Tensor joint, Tensor vs, Tensor hs) => vs.t().matmul(joint).matmul(hs);

    [Fact]
    public void Free_energy_marginal_and_hidden_probabilities_equal_sums_over_the_enumerated_states()
    {
        using var scope = NewDisposeScope();
        using var rbm = TinyRbm(11);
        var (joint, vs, hs) = Exact(rbm);
        var vf = vs.to(ScalarType.Float32);

        // p(v) = e^{−F(v)} / Z against Σ_h p(v, h).
        var negF = rbm.FreeEnergy(vf).neg().to(ScalarType.Float64);
        var marginal = negF.sub(negF.logsumexp(0)).exp();
        Assert.True(marginal.allclose(joint.sum([1]), rtol: 1e-4, atol: 1e-7), "p(v) from the free energy differs from the enumerated marginal");
        Assert.Equal(1.0, marginal.sum().item<double>(), 6);
        // The distribution is far from uniform (1/16 each): the test would notice a wrong sign or a transposed W.
        output.WriteLine($"p(v) over the 16 states: {string.Join(", ", marginal.data<double>().ToArray().Select(p => p.ToString("F3")))}");
        Assert.True(marginal.max().item<double>() > 3.0 / 16 && marginal.min().item<double>() < 0.25 / 16);

        // p(h_j = 1 | v) = Σ_h p(v, h) h_j / p(v).
        var conditional = joint.matmul(hs).div(joint.sum([1], keepdim: true));
        Assert.True(rbm.HiddenProbabilities(vf).to(ScalarType.Float64).allclose(conditional, rtol: 1e-4, atol: 1e-6));
        // p(v_i = 1 | h) likewise, over the visible states.
        var visibleConditional = joint.t().matmul(vs).div(joint.sum([0]).unsqueeze(1));
        Assert.True(rbm.VisibleProbabilities(hs.to(ScalarType.Float32)).to(ScalarType.Float64).allclose(visibleConditional, rtol: 1e-4, atol: 1e-6));
    }

    [Fact]
    public void The_negative_phase_of_long_gibbs_chains_reaches_the_exact_model_statistics_and_cd1_from_data_does_not()
    {
        using var scope = NewDisposeScope();
        using var rbm = TinyRbm(12);
        var (joint, vs, hs) = Exact(rbm);
        var exact = ExactVH(joint, vs, hs);
        using var gibbs = new Generator(3);
        // 20 000 chains, all started at v = 1111: after 30 block-Gibbs steps they have forgotten the start.
        var start = ones(20000, V);
        var longChains = rbm.Phases(start, 30, gibbs, sampleVisible: true);
        double error = longChains.NegativeVH.to(ScalarType.Float64).sub(exact).abs().max().item<double>();
        output.WriteLine($"exact ⟨vhᵀ⟩_model:\n{exact.ToString(TorchSharp.TensorStringStyle.Numpy)}\nCD-30 negative phase: largest difference {error:F4}");
        Assert.True(error < 0.015, $"CD-30 statistics differ from the exact model expectation by {error:F4}");
        Assert.True(longChains.NegativeV.to(ScalarType.Float64).allclose(joint.sum([1]).matmul(vs), atol: 0.015));
        Assert.True(longChains.NegativeH.to(ScalarType.Float64).allclose(joint.sum([0]).matmul(hs), atol: 0.015));

        // CD-1 from the same start is still near the start: its negative phase is not the model's (CD's bias).
        double cd1 = rbm.Phases(start, 1, gibbs, sampleVisible: true).NegativeVH.to(ScalarType.Float64).sub(exact).abs().max().item<double>();
        output.WriteLine($"CD-1 from v = 1111: largest difference {cd1:F4}");
        Assert.True(cd1 > 0.05, $"CD-1 from a single state matched the model statistics ({cd1:F4}); the test cannot tell chains apart");
    }

    [Fact]
    public void Positive_minus_negative_phase_is_the_exact_log_likelihood_gradient()
    {
        using var scope = NewDisposeScope();
        using var rbm = TinyRbm(13);
        var data = tensor(new float[] { 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 0 }, [5, V]);

        // The exact mean log-likelihood of the data by enumeration, differentiated by autograd.
        var w = rbm.Weights.clone().requires_grad_();
        var a = rbm.VisibleBias.clone().requires_grad_();
        var b = rbm.HiddenBias.clone().requires_grad_();
        Tensor LogSumOverH(Tensor v)
        {
            var hs = AllStates(H);
            var vv = v.repeat_interleave(hs.shape[0], 0);
            var hh = hs.repeat(v.shape[0], 1);
            var negE = vv.matmul(a).add(hh.matmul(b), KeptScalars.One).add(vv.matmul(w).mul(hh).sum([1]), KeptScalars.One);
            return negE.reshape(v.shape[0], hs.shape[0]).logsumexp(1);
        }
        var logZ = LogSumOverH(AllStates(V)).logsumexp(0);
        var logLikelihood = LogSumOverH(data).mean().sub(logZ);
        logLikelihood.backward();
        var gradient = w.grad!.to(ScalarType.Float64);

        // Positive phase on the data, negative phase exact: equal to the gradient up to float rounding.
        using var gibbs = new Generator(4);
        var phases = rbm.Phases(data, 1, gibbs);
        var (joint, vs, hs2) = Exact(rbm);
        var exactDifference = phases.PositiveVH.to(ScalarType.Float64).sub(ExactVH(joint, vs, hs2));
        Assert.True(exactDifference.allclose(gradient, atol: 1e-5), "⟨vhᵀ⟩_data − ⟨vhᵀ⟩_model is not ∂ log p / ∂W");

        // CD-k with long sampled chains estimates it: 4 000 chains from each of the 5 data vectors.
        var cd = rbm.Phases(data.repeat(4000, 1), 30, gibbs, sampleVisible: true);
        double error = cd.PositiveVH.sub(cd.NegativeVH).to(ScalarType.Float64).sub(gradient).abs().max().item<double>();
        output.WriteLine($"exact gradient ∂ log p/∂W:\n{gradient.ToString(TorchSharp.TensorStringStyle.Numpy)}\nCD-30 estimate: largest difference {error:F4}");
        Assert.True(error < 0.015, $"the CD-30 gradient estimate is {error:F4} from the exact gradient");
    }

    [Fact]
    public void Cd1_training_raises_the_exact_likelihood_of_two_patterns()
    {
        using var scope = NewDisposeScope();
        using var init = new Generator(5);
        using var rbm = new Rbm(V, H, init);
        var data = tensor(new float[] { 1, 1, 0, 0, 0, 0, 1, 1 }, [2, V]).repeat(50, 1);
        double LogLikelihood()
        {
            var all = AllStates(V);
            var negF = rbm.FreeEnergy(all).neg().to(ScalarType.Float64);
            return rbm.FreeEnergy(data).neg().to(ScalarType.Float64).mean().sub(negF.logsumexp(0)).item<double>();
        }
        double before = LogLikelihood();
        using var gibbs = new Generator(6);
        var options = new RbmOptions(K: 1, LearningRate: 0.1, WeightDecay: 0, SampleVisible: true);
        for (int step = 0; step < 500; step++) rbm.Step(data, options, options.MomentumAt(step / 100), gibbs);
        double after = LogLikelihood();
        output.WriteLine($"mean log p(v) of the two patterns: {before:F3} before (uniform: {-V * Math.Log(2):F3}), {after:F3} after 500 CD-1 steps (best: {-Math.Log(2):F3})");
        Assert.InRange(before, -V * Math.Log(2) - 0.05, -V * Math.Log(2) + 0.05);
        Assert.True(after > -1.2, $"log-likelihood {after:F3} after CD-1 training");
    }

    [Fact]
    public void A_stack_has_the_ff_widths_and_its_features_are_normalised_hidden_probabilities_of_the_chosen_layers()
    {
        using var scope = NewDisposeScope();
        using var init = new Generator(7);
        using var dbn = new DeepBeliefNet([20, 8, 6], init);
        Assert.Equal([(20, 8), (8, 6)], dbn.Layers.Select(r => (r.Visible, r.Hidden)));
        var x = rand(5, 20, generator: init);
        var acts = dbn.Activities(x);
        Assert.Equal([5L, 8], acts[0].shape);
        Assert.Equal([5L, 6], acts[1].shape);
        Assert.True(acts[1].allclose(dbn.Layers[1].HiddenProbabilities(acts[0])));
        var f = dbn.Features(x, [0, 1], InputNorm.L2);
        Assert.Equal([5L, 14], f.shape);
        Assert.True(f.narrow(1, 8, 6).allclose(FFDenseLayer.Readout(acts[1], InputNorm.L2)));

        using var badData = new Dataset("bad", randn(10, 20, generator: init), zeros(10, dtype: ScalarType.Int64));
        var e = Assert.Throws<ArgumentException>(() => dbn.Fit(badData, new RbmOptions(Epochs: 1), init, init));
        Assert.Contains("data.normalization = unit", e.Message);
    }

    /// <summary>
    /// A 784-256 RBM trained by CD-1 for 3 epochs on 5 000 MNIST images, probed linearly on 1 000 test images, against the
    /// same probe on the random features of the transfer protocol (the untrained FF network of the same width) and on the
    /// untrained RBM, on the same data, seed 1.
    /// </summary>
    [Fact]
    public void An_rbm_learns_features_a_linear_probe_reads_better_than_random_features()
    {
        using var data = Mnist.Load(trainLimit: 5000, testLimit: 1000, validation: 1000, normalization: Normalization.Unit);
        var budget = new ProbeBudget(Epochs: 5);
        double Probe(Func<Tensor, Tensor> features)
        {
            using var scope = NewDisposeScope();
            Tensor train, validation, test;
            using (no_grad())
                (train, validation, test) = (features(data.Train.All()), features(data.Validation!.All()), features(data.Test.All()));
            return LinearProbe.Fit((train, data.Train.Labels), (validation, data.Validation.Labels), (test, data.Test.Labels), 10, budget, seed: 1)
                .TestAccuracy;
        }
        using var init = new Generator(1);
        using var rbm = new DeepBeliefNet([784, 256], init);
        double untrained = Probe(x => rbm.Features(x, [0], InputNorm.Rms));
        using var order = new Generator(2);
        using var gibbs = new Generator(3);
        var errors = rbm.Fit(data.Train, new RbmOptions(Epochs: 3), order, gibbs);
        double trained = Probe(x => rbm.Features(x, [0], InputNorm.Rms));
        using var random = new FFNetwork(new ModelOptions([784, 256]), new OptimizerOptions(), 1, CPU);
        double randomFeatures = Probe(x => SoftmaxHead.Features(random, x, new LabelOverlay(), [0]));
        output.WriteLine($"probe on 1000 MNIST test images: RBM (CD-1, 3 epochs) {trained:P2}, untrained RBM {untrained:P2}, " +
            $"random FF features {randomFeatures:P2}; reconstruction error per epoch {string.Join(", ", errors[0].Select(e => e.ToString("F1")))}");
        Assert.True(errors[0][^1] < errors[0][0], "the reconstruction error did not fall");
        // Measured: RBM 86.20 %, random FF features 64.00 %, untrained RBM 10.70 %.
        Assert.True(trained > 0.80, $"RBM features {trained:P2}");
        Assert.True(trained > randomFeatures + 0.05, $"RBM features {trained:P2} vs random features {randomFeatures:P2}");
        Assert.True(trained > untrained + 0.05, $"RBM features {trained:P2} vs its untrained self {untrained:P2}");
    }
}
