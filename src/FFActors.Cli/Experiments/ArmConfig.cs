using System.Security.Cryptography;
using System.Text;
using FFActors.Cli.Configuration;
using FFActors.Core;
using FFActors.Runtime;

namespace FFActors.Cli.Experiments;

/// <summary>One arm-seed's train configuration: base file + experiment.set + the arm's overrides + run.seed, bound like `ffactors train` binds.</summary>
public sealed record ArmConfig(LoadedConfig Hocon, FFConfig Config, RuntimeOptions Runtime)
{
    public static ArmConfig Bind(ExperimentSpec spec, ArmSpec arm, long seed)
    {
        var loaded = ConfigLoader.Load(spec.BaseFile, [.. arm.Overrides, $"run.seed={seed}"], $"{spec.File}: experiment.arms.{arm.Name}");
        var binder = new ConfigBinder(loaded);
        return new ArmConfig(loaded, binder.Bind(), binder.BindRuntime());
    }

    /// <summary>The resolved configuration as HOCON (what the run's config.conf holds).</summary>
    public string Render() => Hocon.Render();

    /// <summary>
    /// Identifies everything that determines this arm-seed's result: the kind, the resolved train
    /// configuration and, for feature arms, the transfer protocol (and the embedding when the arm
    /// is embedded). A finished arm-seed with another fingerprint is run again.
    /// </summary>
    public string Fingerprint(ExperimentSpec spec, ArmSpec arm)
    {
        var text = new StringBuilder().AppendLine(arm.Kind).AppendLine(Render());
        if (!arm.IsTrain) text.AppendLine(spec.Transfer.ToString());
        if (spec.Embedding.Includes(arm) && Config.Run.Seed == spec.Seeds[0]) text.AppendLine(spec.Embedding.ToString());
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16].ToLowerInvariant();
    }
}
