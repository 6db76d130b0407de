using FFActors.Cli.Configuration.Schema;
using FFActors.Core.Nca;

namespace FFActors.Cli.Configuration.Keys;

/// <summary><c>nca { }</c>: the growing automaton of <c>ffactors nca</c> (ignored by <c>ffactors train</c>).</summary>
public static class NcaKeys
{
    public static readonly ConfigKey<int> Size = Key.Int("nca.size", 32, 5, 512, "grid side (cells)");
    public static readonly ConfigKey<int> Radius = Key.Int("nca.radius", 8, 1, RingCells.MaxStates - 2, "outermost ring of the target: concentric square rings 0..radius around the seed");
    public static readonly ConfigKey<double> FireRate = Key.Number("nca.fire-rate", 0.5, 0.01, 1, "probability that an active cell updates in a step");
    public static readonly ConfigKey<int> Steps = Key.Int("nca.steps", 40, 1, 10_000, "steps of each teacher trajectory and of the grown pattern");
    public static readonly ConfigKey<int> TrainTrajectories = Key.Int("nca.train-trajectories", 12, 1, 100_000, "teacher trajectories whose transitions are the training set");
    public static readonly ConfigKey<int> TestTrajectories = Key.Int("nca.test-trajectories", 3, 1, 100_000, "further trajectories whose transitions are the test set");

    public static IKeyGroup Group { get; } = new KeyGroup("nca", [Size, Radius, FireRate, Steps, TrainTrajectories, TestTrajectories]);

    /// <exception cref="ConfigException">The grid cannot hold the rings (names nca.size).</exception>
    public static NcaOptions Bind(ConfigReader r)
    {
        var o = new NcaOptions(r.Get(Size), r.Get(Radius), r.Get(FireRate), r.Get(Steps), r.Get(TrainTrajectories), r.Get(TestTrajectories));
        if (o.Size < 2 * o.Radius + 3) throw r.Fail(Size.Path, $"{o.Size} cells cannot hold rings of radius {o.Radius} with a border (at least {2 * o.Radius + 3})");
        return o;
    }
}
