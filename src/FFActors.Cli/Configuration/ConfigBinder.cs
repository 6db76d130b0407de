using FFActors.Cli.Configuration.Keys;
using FFActors.Cli.Configuration.Schema;
using FFActors.Core;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;

namespace FFActors.Cli.Configuration;

/// <summary>
/// Turns a merged HOCON tree into the typed option records: every key is read through its
/// declaration (src/FFActors.Cli/Configuration/Keys), then the checks across keys run
/// (<see cref="ConfigValidation"/>). Any problem is a <see cref="ConfigException"/> naming the key.
/// </summary>
public sealed class ConfigBinder(LoadedConfig loaded)
{
    readonly ConfigReader reader = new(loaded);

    /// <summary>The typed configuration of a run, checked as a whole.</summary>
    public FFConfig Bind()
    {
        foreach (var key in ConfigSchema.Train.Keys) reader.Check(key);
        ConfigValidation.CheckTrain(reader);
        return new FFConfig(RunKeys.Bind(reader), DataKeys.Bind(reader), ModelKeys.Bind(reader), TrainKeys.Bind(reader), EvalKeys.Bind(reader));
    }

    public RuntimeOptions BindRuntime()
    {
        foreach (var key in RuntimeKeys.Group.Keys) reader.Check(key);
        ConfigValidation.CheckRuntime(reader, ConfigValidation.LayerCount(reader));
        return RuntimeKeys.Bind(reader);
    }

    /// <summary>The growing automaton of <c>ffactors nca</c> (its keys are checked with the run's).</summary>
    public Core.Nca.NcaOptions BindNca() => NcaKeys.Bind(reader);

    public ClusterOptions BindCluster()
    {
        foreach (var key in ConfigSchema.Cluster.Keys) reader.Check(key);
        ConfigValidation.CheckCluster(reader);
        return ClusterKeys.Bind(reader);
    }
}
