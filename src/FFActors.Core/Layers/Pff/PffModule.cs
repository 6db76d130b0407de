using FFActors.Core.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// A PFF layer's parts: the representation unit (a dense FF layer: normalised input → linear → ReLU), the generator that
/// predicts the layer's input from its activities, and on the top layer the latent generator that predicts the activities
/// from a latent z. <see cref="forward"/> is the representation: what the layer transmits.
/// </summary>
public sealed class PffModule : nn.Module<Tensor, Tensor>
{
    readonly FFDenseLayer encoder;
    readonly Linear generator;
    readonly Linear? latent;

    /// <param name="bottom">Layer 0: its generator predicts the data itself (linear output); deeper layers predict the
    /// direction of a ReLU activity (ReLU output).</param>
    /// <param name="top">The network's last layer: it also owns the latent generator.</param>
    public PffModule(int inputSize, int outputSize, InputNorm inputNorm, PffOptions options, bool bottom, bool top, Generator init, string name = "pff")
        : base(name)
    {
        Options = options;
        Bottom = bottom;
        // The encoder draws first, so its initial weights equal a dense layer's from the same seed.
        encoder = new FFDenseLayer(inputSize, outputSize, inputNorm, init, name + "_encoder");
        generator = nn.Linear(outputSize, inputSize);
        double bound = 1.0 / Math.Sqrt(outputSize);
        UniformInit.Fill(generator.weight!, bound, init);
        UniformInit.Fill(generator.bias!, bound, init);
        if (top)
        {
            latent = nn.Linear(options.Latent, outputSize);
            double lb = 1.0 / Math.Sqrt(options.Latent);
            UniformInit.Fill(latent.weight!, lb, init);
            UniformInit.Fill(latent.bias!, lb, init);
        }
        RegisterComponents();
    }

    public PffOptions Options { get; }

    public bool Bottom { get; }

    public FFDenseLayer Encoder => encoder;

    public Linear Generator => generator;

    /// <summary>The top layer's latent generator; null below the top.</summary>
    public Linear? Latent => latent;

    public override Tensor forward(Tensor x) => encoder.forward(x);

    /// <summary>The unit-length direction of a batch of activities or predictions (rows), the generators' common currency.</summary>
    public static Tensor Direction(Tensor h) => h.div(h.RowNorms().add(KeptScalars.Of(1e-8), KeptScalars.One).unsqueeze(1));

    /// <summary>ReLU forward, identity backward: the reference's ReLU, whose derivative it takes as 1 everywhere, so that a
    /// prediction stuck below zero where its target is positive still learns.</summary>
    public static Tensor StraightThroughRelu(Tensor pre) => pre.add(pre.relu().sub(pre).detach(), KeptScalars.One);

    /// <summary>What the generator must predict of the layer's input x: x itself on layer 0, its direction above.</summary>
    public Tensor InputTarget(Tensor x) => Bottom ? x : Direction(x);

    /// <summary>The layer's input predicted from its activities h (the generator reads their direction).</summary>
    public Tensor PredictInput(Tensor h)
    {
        var pre = generator.forward(Direction(h));
        return Bottom ? pre : StraightThroughRelu(pre);
    }

    /// <summary>The direction of the top layer's activities predicted from latent vectors z.</summary>
    public Tensor PredictFromLatent(Tensor z) => StraightThroughRelu(LatentOrThrow.forward(z));

    /// <summary>
    /// The latent vectors that explain the activities h: z minimising E(z) = ½‖ReLU(Gz + c) − n(h)‖² + ½λ‖z‖² by
    /// <see cref="PffOptions.InferenceSteps"/> damped Gauss-Newton steps from z = 0, with the reference's ReLU derivative
    /// of 1: z ← z − β (eG + λz)(GᵀG + λI)⁻¹, e = ReLU(Gz + c) − n(h). The reference descends the plain gradient; the
    /// preconditioner makes the step independent of G's scale, so one rate serves the whole of training. No autograd.
    /// </summary>
    public Tensor InferLatent(Tensor h)
    {
        using var _ = no_grad();
        var g = LatentOrThrow.weight!;                    // [out, latent]
        var c = LatentOrThrow.bias!;
        double lambda = Options.LatentDecay, beta = Options.InferenceRate;
        var target = Direction(h);
        var gram = g.t().matmul(g).add(eye(g.shape[1], dtype: g.dtype, device: g.device).mul(KeptScalars.Of(lambda)), KeptScalars.One);
        var step = linalg.inv(gram).mul(KeptScalars.Of(beta));
        var z = zeros([h.shape[0], g.shape[1]], dtype: h.dtype, device: h.device);
        for (int k = 0; k < Options.InferenceSteps; k++)
        {
            var e = z.matmul(g.t()).add(c, KeptScalars.One).relu().sub(target);
            z = z.sub(e.matmul(g).add(z.mul(KeptScalars.Of(lambda)), KeptScalars.One).matmul(step));
        }
        return z;
    }

    Linear LatentOrThrow => latent ?? throw new InvalidOperationException($"{GetName()}: only the top PFF layer has a latent generator");
}
