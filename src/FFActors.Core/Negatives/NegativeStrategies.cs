using System.Globalization;
using FFActors.Core.Data;

namespace FFActors.Core.Negatives;

/// <summary>Builds a negative strategy from its configuration name and optional numeric parameters.</summary>
public static class NegativeStrategies
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "wrong-label", "hard-label", "class-confusion", "different-image-wrong-label", "same-class-different-image",
        "hybrid-mix", "hinton-hybrid", "gaussian-noise", "gaussian-noise-matched", "masked", "masked-pixels",
        "masked-blocks", "adversarial", "hard-mining", "self-contrastive", "learned-generator",
    ];

    /// <summary>The parameters each strategy accepts (kebab-case keys of <see cref="Create(string, LabelOverlay, IReadOnlyDictionary{string, double})"/>).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters { get; } = Names.ToDictionary(n => n, n =>
    {
        var p = new Params(n, new Dictionary<string, double>());
        Build(n, new LabelOverlay(), p);
        return (IReadOnlyList<string>)p.Known.Distinct().ToArray();
    });

    /// <summary>Strategy with default parameters.</summary>
    public static INegativeStrategy Create(string name, LabelOverlay overlay) =>
        Create(name, overlay, new Dictionary<string, double>());

    /// <summary>
    /// Strategy with parameters, e.g. <c>{ "alpha-min": 0.3, "alpha-max": 0.7 }</c> for hybrid-mix.
    /// Flags are 0/1 (<c>label-free</c>, <c>random-start</c>, <c>clip</c>); counts must be whole numbers.
    /// Unknown keys are rejected.
    /// </summary>
    public static INegativeStrategy Create(string name, LabelOverlay overlay, IReadOnlyDictionary<string, double> parameters)
    {
        var p = new Params(name, parameters);
        var strategy = Build(name, overlay, p);
        p.RejectUnknown();
        return strategy;
    }

    static INegativeStrategy Build(string name, LabelOverlay overlay, Params p) => name switch
    {
        "wrong-label" => new WrongLabelNegatives(overlay),
        "hard-label" => new HardLabelNegatives(overlay, p.Get("temperature", 1.0)),
        "class-confusion" => new ClassConfusionNegatives(overlay),
        "different-image-wrong-label" => new DifferentImageWrongLabelNegatives(overlay),
        "same-class-different-image" => new SameClassDifferentImageNegatives(overlay),
        "hybrid-mix" => HybridMix(overlay, p),
        "hinton-hybrid" => new HintonHybridNegatives(overlay, p.Int("blur-passes", 6), p.IntOrNull("height"), p.IntOrNull("width")),
        "gaussian-noise" => new GaussianNoiseNegatives(overlay, p.Get("std", 1.0), matched: false, p.Flag("label-free")),
        "gaussian-noise-matched" => new GaussianNoiseNegatives(overlay, matched: true, labelFree: p.Flag("label-free")),
        "masked" => Masked(overlay, MaskMode.Both, p),
        "masked-pixels" => Masked(overlay, MaskMode.Pixels, p),
        "masked-blocks" => Masked(overlay, MaskMode.Blocks, p),
        "adversarial" => new AdversarialNegatives(overlay, p.Get("epsilon", 0.5), p.Int("steps", 5), p.GetOrNull("step"),
            p.Flag("random-start"), p.Flag("clip", true)),
        "hard-mining" => new HardMiningNegatives(overlay, p.Int("bank", 0)),
        "self-contrastive" => new SelfContrastiveNegatives(overlay),
        "learned-generator" => new LearnedGeneratorNegatives(overlay, p.Int("hidden", 256), p.Get("epsilon", 0.5), p.Get("generator-lr", 0.001),
            p.Get("keep-class", 2.0), p.Flag("clip", true)),
        _ => throw new ArgumentException($"train.negatives: unknown strategy '{name}' (known: {string.Join(", ", Names)})"),
    };

    static HybridMixNegatives HybridMix(LabelOverlay overlay, Params p)
    {
        double alpha = p.Get("alpha", 0.5);
        return new HybridMixNegatives(overlay, p.Get("alpha-min", alpha), p.Get("alpha-max", alpha), p.Flag("label-free"));
    }

    static MaskedNegatives Masked(LabelOverlay overlay, MaskMode mode, Params p) =>
        new(overlay, mode, p.Get("fraction-min", 0.25), p.Get("fraction-max", 0.5), p.Flag("label-free"),
            p.IntOrNull("height"), p.IntOrNull("width"));

    /// <summary>Reads parameters and remembers which keys the strategy asked for, to reject the rest.</summary>
    sealed class Params(string name, IReadOnlyDictionary<string, double> values)
    {
        public List<string> Known { get; } = [];

        public double? GetOrNull(string key)
        {
            Known.Add(key);
            return values.TryGetValue(key, out double v) ? v : null;
        }

        public double Get(string key, double fallback) => GetOrNull(key) ?? fallback;

        public int? IntOrNull(string key)
        {
            if (GetOrNull(key) is not double v) return null;
            if (v != Math.Floor(v) || v < 0 || v > int.MaxValue)
                throw new ArgumentException($"train.negatives = {name}: {key} must be a whole number ≥ 0 (got {v.ToString(CultureInfo.InvariantCulture)})");
            return (int)v;
        }

        public int Int(string key, int fallback) => IntOrNull(key) ?? fallback;

        public bool Flag(string key, bool fallback = false)
        {
            if (GetOrNull(key) is not double v) return fallback;
            return v switch
            {
                0 => false,
                1 => true,
                _ => throw new ArgumentException($"train.negatives = {name}: {key} is a flag, 0 or 1 (got {v.ToString(CultureInfo.InvariantCulture)})"),
            };
        }

        public void RejectUnknown()
        {
            var unknown = values.Keys.Where(k => !Known.Contains(k)).ToArray();
            if (unknown.Length > 0)
                throw new ArgumentException($"train.negatives = {name}: unknown parameter(s) {string.Join(", ", unknown)} " +
                    $"(known: {(Known.Count == 0 ? "none" : string.Join(", ", Known.Distinct()))})");
        }
    }
}
