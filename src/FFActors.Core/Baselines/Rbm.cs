using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Baselines;

/// <summary>
/// A restricted Boltzmann machine with Bernoulli visible and hidden units (Hinton's "practical guide" recipe), the
/// Boltzmann-machine contrast to FF. Energy E(v, h) = −aᵀv − bᵀh − vᵀWh; the conditionals factorise,
/// p(h_j = 1 | v) = σ(b_j + vᵀW_:j) and p(v_i = 1 | h) = σ(a_i + W_i:h). Pixel intensities in [0, 1] are read as the
/// probabilities of the visible units.
/// <para>
/// Learning is contrastive divergence (CD-k): the log-likelihood gradient ∂/∂W log p(v) = ⟨vhᵀ⟩_data − ⟨vhᵀ⟩_model is
/// estimated with a <b>positive phase</b> on the data (v, p(h|v)) and a <b>negative phase</b> on the end of a k-step
/// block-Gibbs chain started at the data. It needs no autograd: the update is the difference of the two statistics.
/// </para>
/// </summary>
public sealed class Rbm : IDisposable
{
    /// <summary>Standard deviation of the initial weights (the practical guide's 0.01).</summary>
    const double WeightInit = 0.01;

    Tensor weights, visibleBias, hiddenBias;
    Tensor? weightVelocity, visibleVelocity, hiddenVelocity;

    public int Visible { get; }
    public int Hidden { get; }

    /// <summary>W [visible, hidden] ~ N(0, 0.01²), both biases 0.</summary>
    public Rbm(int visible, int hidden, Generator init, Device? device = null)
    {
        if (visible < 1 || hidden < 1) throw new ArgumentException($"RBM: {visible} visible and {hidden} hidden units");
        Visible = visible;
        Hidden = hidden;
        weights = randn([visible, hidden], generator: init).mul_(KeptScalars.Of(WeightInit)).to(device ?? CPU).DetachFromDisposeScope();
        visibleBias = zeros([visible], device: device ?? CPU).DetachFromDisposeScope();
        hiddenBias = zeros([hidden], device: device ?? CPU).DetachFromDisposeScope();
    }

    /// <summary>W [visible, hidden].</summary>
    public Tensor Weights => weights;

    /// <summary>a [visible].</summary>
    public Tensor VisibleBias => visibleBias;

    /// <summary>b [hidden].</summary>
    public Tensor HiddenBias => hiddenBias;

    /// <summary>Replaces W, a and b with copies of the given tensors (tests set small machines by hand).</summary>
    public void Set(Tensor w, Tensor a, Tensor b)
    {
        if (!w.shape.SequenceEqual([Visible, Hidden]) || a.shape[0] != Visible || b.shape[0] != Hidden)
            throw new ArgumentException($"RBM {Visible}x{Hidden}: parameters of shapes [{string.Join(", ", w.shape)}], [{a.shape[0]}], [{b.shape[0]}]");
        Replace(ref weights, w);
        Replace(ref visibleBias, a);
        Replace(ref hiddenBias, b);
    }

    static void Replace(ref Tensor field, Tensor value)
    {
        var copy = value.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();
        field.Dispose();
        field = copy;
    }

    /// <summary>p(h = 1 | v) for visible states or probabilities v [B, visible]: [B, hidden].</summary>
    public Tensor HiddenProbabilities(Tensor v) => sigmoid(v.matmul(weights).add_(hiddenBias, KeptScalars.One));

    /// <summary>p(v = 1 | h) for hidden states h [B, hidden]: [B, visible].</summary>
    public Tensor VisibleProbabilities(Tensor h) => sigmoid(h.matmul(weights.t()).add_(visibleBias, KeptScalars.One));

    /// <summary>E(v, h) = −aᵀv − bᵀh − vᵀWh per row: [B].</summary>
    public Tensor Energy(Tensor v, Tensor h) =>
        v.matmul(visibleBias).add_(h.matmul(hiddenBias), KeptScalars.One).add_(v.matmul(weights).mul_(h).sum([1]), KeptScalars.One).neg_();

    /// <summary>
    /// The free energy F(v) = −log Σ_h e^{−E(v,h)} = −aᵀv − Σ_j softplus(b_j + vᵀW_:j) per row: [B]. p(v) = e^{−F(v)} / Z.
    /// </summary>
    public Tensor FreeEnergy(Tensor v) =>
        v.matmul(visibleBias).add_(nn.functional.softplus(v.matmul(weights).add_(hiddenBias, KeptScalars.One)).sum([1]), KeptScalars.One).neg_();

    /// <summary>
    /// The two phases of CD-k on a batch v0 [B, visible] (probabilities or states). Positive: ⟨v0 p(h|v0)ᵀ⟩. Negative: a
    /// block-Gibbs chain from v0, h ~ p(h|v), v ~ p(v|h) (or v = p(v|h) when <paramref name="sampleVisible"/> is false, the
    /// usual mean-field reconstruction for grey pixels), k times; its statistics use p(h|v_k) rather than a sample of h,
    /// which has the same expectation and less noise. Every Bernoulli draw comes from <paramref name="gibbs"/>.
    /// </summary>
    public CdPhases Phases(Tensor v0, int k, Generator gibbs, bool sampleVisible = false)
    {
        if (k < 1) throw new ArgumentException($"CD-k: k = {k} must be at least 1");
        using var scope = NewDisposeScope();
        var ph0 = HiddenProbabilities(v0);
        Tensor v = v0, ph = ph0;
        for (int step = 0; step < k; step++)
        {
            var h = bernoulli(ph, gibbs);
            var pv = VisibleProbabilities(h);
            v = sampleVisible ? bernoulli(pv, gibbs) : pv;
            ph = HiddenProbabilities(v);
        }
        double n = v0.shape[0];
        var positive = v0.t().matmul(ph0).div_(KeptScalars.Of(n));
        var negative = v.t().matmul(ph).div_(KeptScalars.Of(n));
        return new CdPhases(positive, negative, v0.mean([0]), v.mean([0]), ph0.mean([0]), ph.mean([0]),
            v0.sub(v).square().sum([1]).mean()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One CD-k update on batch v0: ΔW = lr·(⟨v hᵀ⟩₊ − ⟨v hᵀ⟩₋ − decay·W), the biases by the phases' mean activities, each
    /// through a momentum velocity. Returns the batch's squared reconstruction error per sample (a monitor, not the objective).
    /// </summary>
    public double Step(Tensor v0, RbmOptions o, double momentum, Generator gibbs)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var p = Phases(v0, o.K, gibbs, o.SampleVisible);
        var dW = p.PositiveVH.sub(p.NegativeVH).sub_(weights.mul(KeptScalars.Of(o.WeightDecay))).mul_(KeptScalars.Of(o.LearningRate));
        var da = p.PositiveV.sub(p.NegativeV).mul_(KeptScalars.Of(o.LearningRate));
        var db = p.PositiveH.sub(p.NegativeH).mul_(KeptScalars.Of(o.LearningRate));
        weights.add_(Velocity(ref weightVelocity, dW, momentum), KeptScalars.One);
        visibleBias.add_(Velocity(ref visibleVelocity, da, momentum), KeptScalars.One);
        hiddenBias.add_(Velocity(ref hiddenVelocity, db, momentum), KeptScalars.One);
        return p.ReconstructionError.item<float>();
    }

    static Tensor Velocity(ref Tensor? velocity, Tensor delta, double momentum)
    {
        if (velocity is null) velocity = delta.clone().DetachFromDisposeScope();
        else velocity.mul_(KeptScalars.Of(momentum)).add_(delta, KeptScalars.One);
        return velocity;
    }

    /// <summary>Sets the visible biases to log(p / (1 − p)) of the data's mean intensities (clamped), as the guide advises:
    /// the machine starts by reproducing the pixel marginals, and the weights learn the correlations.</summary>
    public void InitVisibleBias(Tensor data)
    {
        using var scope = NewDisposeScope();
        var p = data.mean([0]).clamp(KeptScalars.Of(0.01), KeptScalars.Of(0.99));
        visibleBias.copy_(p.div(p.neg().add_(KeptScalars.One, KeptScalars.One)).log_());
    }

    public void Dispose()
    {
        weights.Dispose();
        visibleBias.Dispose();
        hiddenBias.Dispose();
        weightVelocity?.Dispose();
        visibleVelocity?.Dispose();
        hiddenVelocity?.Dispose();
    }
}

/// <summary>
/// One CD-k estimate: the positive phase's ⟨v hᵀ⟩, ⟨v⟩, ⟨h⟩ (data) and the negative phase's (end of the Gibbs chain), means
/// over the batch; and the squared reconstruction error per sample.
/// </summary>
public sealed record CdPhases(Tensor PositiveVH, Tensor NegativeVH, Tensor PositiveV, Tensor NegativeV, Tensor PositiveH, Tensor NegativeH,
    Tensor ReconstructionError)
{
    public CdPhases MoveToOuterDisposeScope() => new(PositiveVH.MoveToOuterDisposeScope(), NegativeVH.MoveToOuterDisposeScope(),
        PositiveV.MoveToOuterDisposeScope(), NegativeV.MoveToOuterDisposeScope(), PositiveH.MoveToOuterDisposeScope(),
        NegativeH.MoveToOuterDisposeScope(), ReconstructionError.MoveToOuterDisposeScope());
}

/// <summary>
/// How an RBM (each RBM of a stack) learns: CD-<paramref name="K"/> on mini-batches of <paramref name="BatchSize"/>, for
/// <paramref name="Epochs"/> passes, learning rate <paramref name="LearningRate"/>, momentum 0.5 for the first
/// <paramref name="MomentumSwitch"/> epochs then <paramref name="Momentum"/>, L2 weight decay <paramref name="WeightDecay"/>
/// (the practical guide's values), visible reconstructions as probabilities unless <paramref name="SampleVisible"/>.
/// </summary>
public sealed record RbmOptions(int K = 1, int Epochs = 5, double LearningRate = 0.05, int BatchSize = 100, double Momentum = 0.9,
    int MomentumSwitch = 1, double WeightDecay = 0.0002, bool SampleVisible = false)
{
    public double MomentumAt(int epoch) => epoch < MomentumSwitch ? 0.5 : Momentum;
}
