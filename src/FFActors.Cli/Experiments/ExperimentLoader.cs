using Akka.Configuration;
using Akka.Configuration.Hocon;
using FFActors.Cli.Configuration;
using FFActors.Cli.Configuration.Keys;
using FFActors.Cli.Configuration.Schema;
using FFActors.Core.Baselines;
using FFActors.Core.Evaluation;

namespace FFActors.Cli.Experiments;

/// <summary>
/// Reads an experiment file against the embedded reference hocon/experiment.conf (same rules as a
/// train config: unknown keys and bad values are one-line errors naming the file and key), and
/// checks every arm's train-config overrides by binding them once, before anything runs.
/// </summary>
public static class ExperimentLoader
{
    public static string ReferenceText { get; } = ConfigLoader.ReadResource("experiment.conf");

    public static Config Reference { get; } = ConfigurationFactory.ParseString(ReferenceText);

    /// <param name="outOverride">--out: the results folder itself (instead of experiment.out-dir/name).</param>
    /// <param name="parallelOverride">--parallel: arm-seeds at once (instead of experiment.parallel).</param>
    /// <param name="sets">--set overrides applied to every arm last (after the arm's own).</param>
    /// <param name="onlyOverride">--only: the arms to run (instead of experiment.only).</param>
    public static ExperimentSpec Load(string file, bool quick, string? outOverride = null, int? parallelOverride = null, IReadOnlyList<string>? sets = null,
        IReadOnlyList<string>? onlyOverride = null)
    {
        if (!File.Exists(file)) throw new ConfigException($"{file}: experiment file not found");
        var user = ConfigLoader.ParseFile(file);
        Check(user, file);

        var userExp = Sub(user, "experiment");
        var refExp = Reference.GetConfig("experiment");
        var effective = quick && userExp.HasPath("quick") ? Sub(userExp, "quick").WithFallback(userExp).WithFallback(refExp) : userExp.WithFallback(refExp);
        var origins = new Dictionary<string, string>();
        foreach (var (path, _) in ConfigLoader.Leaves(userExp.Root, "")) origins[path] = $"{file}: experiment";
        if (quick && userExp.HasPath("quick"))
            foreach (var (path, _) in ConfigLoader.Leaves(Sub(userExp, "quick").Root, "")) origins[path] = $"{file}: experiment.quick";
        var read = new ConfigReader(new LoadedConfig(effective, origins, Reference: "hocon/experiment.conf: experiment"), root: "experiment");

        var name = read.Get(ExperimentKeys.Name);
        if (name.Length == 0) name = Path.GetFileNameWithoutExtension(file);
        var baseName = read.Get(ExperimentKeys.Base);
        string? baseFile = null;
        if (baseName.Length > 0)
        {
            baseFile = Path.IsPathRooted(baseName) ? baseName : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, baseName);
            if (!File.Exists(baseFile)) throw read.Fail(ExperimentKeys.Base.Path, $"config file '{baseName}' not found (looked for {baseFile})");
        }
        var seeds = read.Get(ExperimentKeys.Seeds);
        int parallel = parallelOverride ?? read.Get(ExperimentKeys.Parallel);
        if (parallel < 0) throw new ConfigException($"--parallel {parallel}: must be 0 (auto) or more");
        if (parallel == 0) parallel = Math.Max(1, Environment.ProcessorCount / 2);
        var outDir = outOverride ?? Path.Combine(read.Get(ExperimentKeys.OutDir), quick ? name + "-quick" : name);

        // Leaves of a merged Config show only its own layer, so merge the two `set` layers by key here.
        var common = Overrides(Sub(userExp, "set"));
        if (quick && userExp.HasPath("quick.set"))
        {
            var quickSet = Overrides(Sub(userExp, "quick.set"));
            var keys = quickSet.Select(o => o[..o.IndexOf('=')]).ToHashSet();
            common = [.. common.Where(o => !keys.Contains(o[..o.IndexOf('=')])), .. quickSet];
        }
        var arms = new List<ArmSpec>();
        if (userExp.HasPath("arms"))
        {
            foreach (var (armName, value) in userExp.GetValue("arms").GetObject().Items)
            {
                var armConfig = value.IsObject() ? new Config(new HoconRoot(value)) : ConfigurationFactory.Empty;
                var kind = armConfig.HasPath("kind") ? armConfig.GetString("kind") : ArmSpec.TrainKind;
                var kinds = FeatureArms.Kinds.Keys.Prepend(ArmSpec.TrainKind).ToArray();
                if (!kinds.Contains(kind))
                    throw new ConfigException(file, $"experiment.arms.{armName}.kind", $"'{kind}' is not one of {string.Join(", ", kinds)}");
                var own = armConfig.HasPath("set") ? Overrides(Sub(armConfig, "set")) : [];
                var note = armConfig.HasPath("note") ? armConfig.GetString("note") ?? "" : "";
                arms.Add(new ArmSpec(armName, kind, [.. common, .. own, .. sets ?? []], own, note));
            }
        }
        arms.AddRange(Grid(Sub(userExp, "grid"), common, sets ?? [], file));
        if (arms.Count == 0) throw new ConfigException($"{file}: experiment: no arms (add experiment.arms or experiment.grid)");
        foreach (var dup in arms.GroupBy(a => a.FolderName).Where(g => g.Count() > 1))
            throw new ConfigException($"{file}: experiment.arms: two arms share the name '{dup.Key}'");

        var only = onlyOverride is { Count: > 0 } ? onlyOverride : read.Get(ExperimentKeys.Only);
        string onlyOrigin = onlyOverride is { Count: > 0 } ? "--only" : read.Loaded.OriginOf("only");
        foreach (var o in only.Where(o => arms.All(a => a.Name != o)))
            throw new ConfigException($"{onlyOrigin}: only: no arm named '{o}' (arms: {string.Join(", ", arms.Select(a => a.Name))})");
        var allArms = arms;
        if (only.Count > 0) arms = arms.Where(a => only.Contains(a.Name)).ToList();

        var transfer = new TransferSpec(
            Target: read.Get(ExperimentKeys.Target),
            Validation: read.Get(ExperimentKeys.TransferValidation),
            TrainLimit: read.Get(ExperimentKeys.TransferTrainLimit),
            TestLimit: read.Get(ExperimentKeys.TransferTestLimit),
            Layers: read.Get(ExperimentKeys.TransferLayers),
            Probe: new ProbeBudget(read.Get(ExperimentKeys.ProbeEpochs), read.Get(ExperimentKeys.ProbeLearningRate), read.Get(ExperimentKeys.ProbeBatchSize)),
            Backprop: new BackpropOptions(read.Get(ExperimentKeys.BackpropEpochs), read.Get(ExperimentKeys.BackpropLearningRate), read.Get(ExperimentKeys.BackpropBatchSize)),
            Rbm: new RbmOptions(K: read.Get(ExperimentKeys.RbmK), Epochs: read.Get(ExperimentKeys.RbmEpochs), LearningRate: read.Get(ExperimentKeys.RbmLearningRate),
                BatchSize: read.Get(ExperimentKeys.RbmBatchSize), Momentum: read.Get(ExperimentKeys.RbmMomentum), WeightDecay: read.Get(ExperimentKeys.RbmWeightDecay)));
        var embedding = new EmbeddingSpec(
            Method: read.Get(ExperimentKeys.EmbeddingMethod),
            Arms: read.Get(ExperimentKeys.EmbeddingArms),
            Features: read.Get(ExperimentKeys.EmbeddingFeatures),
            Samples: read.Get(ExperimentKeys.EmbeddingSamples),
            Perplexity: read.Get(ExperimentKeys.Perplexity),
            Iterations: read.Get(ExperimentKeys.Iterations));
        foreach (var a in embedding.Arms.Where(a => allArms.All(x => x.Name != a)))
            throw read.Fail(ExperimentKeys.EmbeddingArms.Path, $"no arm named '{a}'");
        // Only some arms run: embed those of the listed ones that do (none of them: no embedding).
        if (embedding.Arms.Count > 0)
        {
            var running = embedding.Arms.Where(a => arms.Any(x => x.Name == a)).ToList();
            embedding = running.Count > 0 ? embedding with { Arms = running } : embedding with { Method = "none", Arms = [] };
        }

        var spec = new ExperimentSpec(file, name, read.Get(ExperimentKeys.Description), baseFile, seeds, parallel, outDir, quick, arms, transfer, embedding, sets ?? []);
        foreach (var arm in arms)
        {
            var bound = ArmConfig.Bind(spec, arm, seeds[0]);
            if (arm.Kind == RbmFeatures.Kind) RbmFeatures.CheckData(bound.Config, $"{file}: experiment.arms.{arm.Name}");
        }
        return spec;
    }

    /// <summary>Every key of the file must exist in the reference: experiment keys in hocon/experiment.conf, train overrides in hocon/ffactors.conf.</summary>
    static void Check(Config user, string file)
    {
        foreach (var (path, value) in ConfigLoader.Leaves(user.Root, ""))
        {
            var parts = path.Split('.');
            if (parts[0] != "experiment") Unknown(file, path, Reference);
            if (parts.Length == 1) continue;
            string head = parts[1];
            if (head == "quick" && parts.Length > 2)
            {
                if (parts[2] is "arms" or "grid" or "quick")
                    throw new ConfigException($"{file}: 'experiment.quick.{parts[2]}': the quick profile cannot change {parts[2]} (use experiment.quick.only to pick arms)");
                CheckExperimentKey(file, path, parts[2..]);
            }
            else
            {
                CheckExperimentKey(file, path, parts[1..]);
            }
        }
    }

    static void CheckExperimentKey(string file, string path, string[] rest)
    {
        var head = rest[0];
        if ((head is "set" or "grid") && rest.Length > 1)
        {
            var key = string.Join('.', rest[1..]);
            if (!ConfigLoader.Reference.HasPath(key)) Unknown($"{file}: {path[..^(key.Length + 1)]}", key, ConfigLoader.Reference);
            return;
        }
        if (head == "arms" && rest.Length > 2)
        {
            var armKey = rest[2];
            if (armKey == "set" && rest.Length > 3)
            {
                var key = string.Join('.', rest[3..]);
                if (!ConfigLoader.Reference.HasPath(key)) Unknown($"{file}: experiment.arms.{rest[1]}.set", key, ConfigLoader.Reference);
                return;
            }
            var k = "arm." + string.Join('.', rest[2..]);
            if (!Reference.HasPath(k)) Unknown($"{file}: experiment.arms.{rest[1]}", string.Join('.', rest[2..]), Reference.GetConfig("arm"));
            return;
        }
        if (head == "arms" && rest.Length == 2) return; // an arm written as an empty object: a train arm with the base config
        var full = "experiment." + string.Join('.', rest);
        if (!Reference.HasPath(full)) Unknown(file, path, Reference);
    }

    static void Unknown(string source, string path, Config reference)
    {
        var hint = ConfigLoader.Suggest(path, reference);
        throw new ConfigException($"{source}: unknown key '{path}'{(hint is null ? "" : $" (did you mean '{hint}'?)")}", path);
    }

    static Config Sub(Config c, string path) => c.HasPath(path) && c.GetValue(path).IsObject() ? c.GetConfig(path) : ConfigurationFactory.Empty;

    /// <summary>An object of train-config keys as key=value overrides, in file order.</summary>
    static List<string> Overrides(Config set) =>
        ConfigLoader.Leaves(set.Root, "").Where(l => !l.Value.IsObject()).Select(l => $"{l.Path}={Render(l.Value)}").ToList();

    /// <summary>A HOCON value as --set text.</summary>
    public static string Render(HoconValue v) => v.IsArray() ? "[" + string.Join(", ", v.GetArray().Select(Render)) + "]" : v.GetString() ?? "";

    static IEnumerable<ArmSpec> Grid(Config grid, List<string> common, IReadOnlyList<string> sets, string file)
    {
        var axes = ConfigLoader.Leaves(grid.Root, "").Where(l => !l.Value.IsObject()).ToList();
        if (axes.Count == 0) yield break;
        foreach (var (path, value) in axes)
            if (!value.IsArray() || value.GetArray().Count == 0)
                throw new ConfigException($"{file}: experiment.grid: {path}: expected a non-empty list of values, e.g. [0.1, 0.3]");
        IEnumerable<List<(string Key, string Value)>> combos = [[]];
        foreach (var (path, value) in axes)
        {
            var values = value.GetArray().Select(Render).ToList();
            combos = combos.SelectMany(c => values.Select(v => new List<(string, string)>(c) { (path, v) }));
        }
        foreach (var combo in combos)
        {
            var own = combo.Select(c => $"{c.Key}={c.Value}").ToList();
            var name = string.Join(",", combo.Select(c => $"{c.Key.Split('.')[^1]}={c.Value}"));
            yield return new ArmSpec(name, ArmSpec.TrainKind, [.. common, .. own, .. sets], own, "");
        }
    }
}
