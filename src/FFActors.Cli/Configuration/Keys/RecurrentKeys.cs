using FFActors.Cli.Configuration.Schema;
using FFActors.Core.Layers;

namespace FFActors.Cli.Configuration.Keys;

/// <summary><c>model.recurrent { }</c>: Hinton's recurrent FF, each hidden layer hearing the layers below and above.</summary>
public sealed class RecurrentKeys : IModelKind
{
    public static readonly ConfigKey<int> Iterations = Key.Int("model.recurrent.iterations", 8, 1, 100,
        "synchronous iterations per batch after the bottom-up pass (Hinton: 8)");
    public static readonly ConfigKey<double> Damping = Key.Number("model.recurrent.damping", 0.3, 0, 0.99,
        "weight of the old state in the new one: h = d*old + (1 - d)*new (Hinton: 0.3)");
    public static readonly ConfigKey<int> ScoreFrom = Key.Int("model.recurrent.score-from", 3, 1, 100, "first iteration whose goodness counts in scoring (Hinton: 3)");
    public static readonly ConfigKey<int> ScoreTo = Key.Int("model.recurrent.score-to", 5, 1, 100, "last scored iteration (Hinton: 5), at most iterations");
    public static readonly ConfigKey<bool> TopDown = Key.Bool("model.recurrent.top-down", true,
        "false: the control, the same network without top-down input (the label enters with the image, as in dense FF)");

    public string Name => RecurrentSpec.Name;

    public string Section => "model.recurrent";

    public IReadOnlyList<ConfigKey> Keys => [Iterations, Damping, ScoreFrom, ScoreTo, TopDown];

    public ModelOptions Apply(ModelOptions dense, ConfigReader r)
    {
        var options = new RecurrentOptions(r.Get(Iterations), r.Get(Damping), r.Get(ScoreFrom), r.Get(ScoreTo), r.Get(TopDown));
        if (options.ScoreTo > options.Iterations) throw r.Fail(ScoreTo.Path, $"{options.ScoreTo}, but there are only {options.Iterations} iterations");
        if (options.ScoreFrom > options.ScoreTo) throw r.Fail(ScoreFrom.Path, $"{options.ScoreFrom}: after score-to ({options.ScoreTo})");
        if (dense.PeerNorm != 0)
            throw r.Fail(ModelKeys.PeerNorm.Path, $"{dense.PeerNorm}, but the recurrent kind has no peer normalisation; set 0");
        return dense with { LayerKind = new RecurrentKind(options) };
    }
}
