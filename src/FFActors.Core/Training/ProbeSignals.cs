using FFActors.Core.Layers;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>Names of the per-sample signals that layers publish in a probe pass and read in a training step.</summary>
public static class SignalNames
{
    /// <summary>A layer's per-sample goodness of the positives of a probed batch [B].</summary>
    public const string GoodnessPositive = "goodness+";

    /// <summary>A layer's per-sample goodness of the negatives of a probed batch [B′].</summary>
    public const string GoodnessNegative = "goodness-";

    /// <summary>s·γ of layer collaboration for the positives (a layer reads it as <see cref="StepInput.CollabPositive"/>).</summary>
    public const string GammaPositive = "gamma+";

    /// <summary>s·γ of layer collaboration for the negatives (<see cref="StepInput.CollabNegative"/>).</summary>
    public const string GammaNegative = "gamma-";

    /// <summary>What a layer sends the layer below over the top-down path for its positives [B, …] (its activity at an
    /// iteration, <see cref="LayerSpec.TopDown"/>); the layer below reads it by this name in <see cref="StepInput.Signals"/>.</summary>
    public const string TopDownPositive = "top-down+";

    /// <summary>The same for the negatives [B′, …].</summary>
    public const string TopDownNegative = "top-down-";

    /// <summary>The two top-down kinds a layer publishes for the layer below in training.</summary>
    public static readonly string[] TopDown = [TopDownPositive, TopDownNegative];
}

/// <summary>A probe pass must publish <paramref name="Kind"/> from each layer in <paramref name="Sources"/> (ascending).</summary>
public sealed record SignalDemand(string Kind, int[] Sources);

/// <summary>
/// Turns what the layers published in a probe pass of a batch (every layer's goodness, a top layer's readout, …) into the
/// per-layer signals that the batch's training step reads: each result is a tensor [L, B, …] whose row ℓ goes to layer ℓ.
/// Core's trainer and the actor runtime's feeder call the same rules on the same published tensors, so both hand every
/// layer bitwise the same signals. Layer collaboration's exact γ is one rule; a layer kind adds its own
/// (<see cref="ILayerKind.ProbeRules"/>).
/// </summary>
public interface IProbeRule
{
    /// <summary>What the probe pass must publish for this rule.</summary>
    IReadOnlyList<SignalDemand> Demands { get; }

    /// <summary>Adds this rule's signals to <paramref name="rows"/>. <paramref name="published"/> holds, per demanded kind,
    /// one tensor per layer (null for a layer that was not asked for it); <paramref name="labels"/> are the batch's labels
    /// when its layers read them. The added tensors belong to the caller's dispose scope.</summary>
    void Compute(IReadOnlyDictionary<string, Tensor?[]> published, Tensor? labels, IDictionary<string, Tensor> rows);
}

/// <summary>The probe rules of a run and the arithmetic around them that both trainers share.</summary>
public static class ProbeRules
{
    /// <summary>The rules of <paramref name="config"/>: exact collaboration γ when on, then the layer kind's own.</summary>
    public static IReadOnlyList<IProbeRule> For(FFConfig config)
    {
        var rules = new List<IProbeRule>();
        var collab = config.Train.CollaborationOrDefault;
        if (collab.Enabled && collab.Exchange == GammaExchange.Exact) rules.Add(new ExactGammaRule(collab, config.Model.LayerCount));
        rules.AddRange(config.Model.Kind.ProbeRules(config.Model));
        return rules;
    }

    /// <summary>The demands of all <paramref name="rules"/>, one per kind with the union of its sources.</summary>
    public static IReadOnlyList<SignalDemand> Demands(IReadOnlyList<IProbeRule> rules) => rules.SelectMany(r => r.Demands)
        .GroupBy(d => d.Kind)
        .Select(g => new SignalDemand(g.Key, g.SelectMany(d => d.Sources).Distinct().Order().ToArray()))
        .OrderBy(d => d.Kind, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Every rule's signals from one probe pass's publications, in rule order.</summary>
    public static Dictionary<string, Tensor> Rows(IReadOnlyList<IProbeRule> rules, IReadOnlyDictionary<string, Tensor?[]> published, Tensor? labels)
    {
        var rows = new Dictionary<string, Tensor>();
        foreach (var rule in rules) rule.Compute(published, labels, rows);
        return rows;
    }

    /// <summary>
    /// The probe pass itself (Core's trainer; the runtime runs the same steps in each layer actor): a no-grad pass of
    /// positives and negatives through every layer with its current weights, each layer publishing what
    /// <paramref name="demands"/> ask of it (<see cref="IFFLayer.Publish"/>). The tensors belong to the caller's scope.
    /// </summary>
    public static Dictionary<string, Tensor?[]> Probe(IReadOnlyList<IFFLayer> layers, Tensor pos, Tensor neg, IReadOnlyList<SignalDemand> demands)
    {
        var published = demands.ToDictionary(d => d.Kind, _ => new Tensor?[layers.Count]);
        var hPos = pos;
        var hNeg = neg;
        for (int l = 0; l < layers.Count; l++)
        {
            hPos = layers[l].Forward(hPos);
            hNeg = layers[l].Forward(hNeg);
            foreach (var (kind, values) in layers[l].Publish(hPos, hNeg, KindsOf(demands, l)))
                published[kind][l] = values;
        }
        return published;
    }

    /// <summary>The kinds that layer <paramref name="layer"/> must publish under <paramref name="demands"/>.</summary>
    public static string[] KindsOf(IReadOnlyList<SignalDemand> demands, int layer) =>
        demands.Where(d => Array.IndexOf(d.Sources, layer) >= 0).Select(d => d.Kind).ToArray();

    /// <summary>
    /// What layer <paramref name="layer"/> reads of a batch's signal rows: collaboration's s·γ in its own fields, every
    /// other signal by name; row ℓ of each [L, B, …] tensor (a view that shares its storage).
    /// </summary>
    public static StepInput StepInputFor(int layer, Tensor pos, Tensor neg, Tensor? labels, IReadOnlyDictionary<string, Tensor>? rows)
    {
        if (rows is null || rows.Count == 0) return new StepInput(pos, neg, labels);
        Tensor? collabPos = null, collabNeg = null;
        Dictionary<string, Tensor>? others = null;
        foreach (var (name, all) in rows)
        {
            var row = all[layer];
            switch (name)
            {
                case SignalNames.GammaPositive: collabPos = row; break;
                case SignalNames.GammaNegative: collabNeg = row; break;
                default: (others ??= new Dictionary<string, Tensor>())[name] = row; break;
            }
        }
        return new StepInput(pos, neg, labels, collabPos, collabNeg, others);
    }
}

/// <summary>Layer collaboration's exact γ: every layer's goodness of the probed batch, combined by <see cref="Collaboration.ScaledGammas"/>.</summary>
public sealed class ExactGammaRule(CollaborationOptions collab, int layers) : IProbeRule
{
    public IReadOnlyList<SignalDemand> Demands { get; } = GoodnessOfAll(layers);

    /// <summary>Every layer's goodness of positives and of negatives.</summary>
    public static SignalDemand[] GoodnessOfAll(int layers)
    {
        var all = Enumerable.Range(0, layers).ToArray();
        return [new SignalDemand(SignalNames.GoodnessPositive, all), new SignalDemand(SignalNames.GoodnessNegative, all)];
    }

    public void Compute(IReadOnlyDictionary<string, Tensor?[]> published, Tensor? labels, IDictionary<string, Tensor> rows)
    {
        rows[SignalNames.GammaPositive] = Collaboration.ScaledGammas(All(published, SignalNames.GoodnessPositive), collab);
        rows[SignalNames.GammaNegative] = Collaboration.ScaledGammas(All(published, SignalNames.GoodnessNegative), collab);
    }

    /// <summary>The tensors of <paramref name="kind"/> from every layer (each must have published it).</summary>
    public static Tensor[] All(IReadOnlyDictionary<string, Tensor?[]> published, string kind) =>
        published[kind].Select((t, l) => t ?? throw new InvalidOperationException($"probe: layer {l} did not publish {kind}")).ToArray();
}
