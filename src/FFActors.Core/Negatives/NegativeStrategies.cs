using FFActors.Core.Data;

namespace FFActors.Core.Negatives;

/// <summary>Builds a negative strategy from its configuration name.</summary>
public static class NegativeStrategies
{
    public static IReadOnlyList<string> Names { get; } = ["wrong-label"];

    public static INegativeStrategy Create(string name, LabelOverlay overlay) => name switch
    {
        "wrong-label" => new WrongLabelNegatives(overlay),
        _ => throw new ArgumentException($"train.negatives: unknown strategy '{name}' (known: {string.Join(", ", Names)})"),
    };
}
