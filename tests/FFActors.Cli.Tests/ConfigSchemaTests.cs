using System.Text.RegularExpressions;
using Akka.Configuration;
using FFActors.Cli.Configuration;
using FFActors.Cli.Configuration.Schema;

namespace FFActors.Cli.Tests;

/// <summary>The key declarations against the reference files a user reads and the generated key reference.</summary>
public class ConfigSchemaTests
{
    public static TheoryData<string> ReferenceFiles() => [.. ConfigSchema.Files.Select(f => f.File)];

    static ReferenceFile FileNamed(string file) => ConfigSchema.Files.Single(f => f.File == file);

    [Theory]
    [MemberData(nameof(ReferenceFiles))]
    public void The_reference_file_holds_exactly_the_declared_keys_with_their_defaults(string file)
    {
        var reference = FileNamed(file);
        var conf = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(RepoPaths.Root, file)));
        var written = ConfigLoader.Leaves(conf.Root, "").Select(l => l.Path).ToHashSet();
        var declared = reference.Keys.Select(k => k.Path).ToList();

        Assert.Equal(declared.Count, declared.Distinct().Count());
        Assert.Empty(declared.Where(k => !written.Contains(k)).Select(k => $"{k} is declared but not in {file}"));
        Assert.Empty(written.Where(k => !declared.Contains(k)).Select(k => $"{k} is in {file} but not declared"));
        foreach (var key in reference.Keys)
            Assert.True(key.Canonical(conf.GetValue(key.Path)) == key.DefaultText,
                $"{file}: {key.Path} = {key.Canonical(conf.GetValue(key.Path))}, but its declared default is {key.DefaultText}");
    }

    [Theory]
    [MemberData(nameof(ReferenceFiles))]
    public void Every_key_in_the_reference_file_has_a_comment_next_to_its_default(string file)
    {
        var commented = CommentedKeys(File.ReadAllLines(Path.Combine(RepoPaths.Root, file)));
        foreach (var key in FileNamed(file).Keys)
        {
            Assert.True(commented.ContainsKey(key.Path), $"{file}: {key.Path} is not written as `key = value` on a line of its own");
            Assert.True(commented[key.Path], $"{file}: {key.Path} has no # comment next to its default");
        }
    }

    /// <summary>Each `key = value` (or `key {}`) line under its sections, and whether a # comment follows it.</summary>
    static Dictionary<string, bool> CommentedKeys(IEnumerable<string> lines)
    {
        var result = new Dictionary<string, bool>();
        var sections = new Stack<string>();
        string Full(string name) => string.Join('.', sections.Reverse().Append(name));
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (Regex.Match(line, @"^([\w.-]+)\s*\{\s*\}\s*(#.*)?$") is { Success: true } empty) result[Full(empty.Groups[1].Value)] = empty.Groups[2].Success;
            else if (Regex.Match(line, @"^([\w.-]+)\s*\{\s*(#.*)?$") is { Success: true } open) sections.Push(open.Groups[1].Value);
            else if (line.StartsWith('}')) sections.Pop();
            else if (Regex.Match(line, @"^([\w.-]+)\s*=\s*(.*?)\s*(#.*)?$") is { Success: true } value) result[Full(value.Groups[1].Value)] = value.Groups[3].Success;
        }
        return result;
    }

    [Fact]
    public void The_embedded_references_are_the_files_in_the_repository()
    {
        foreach (var file in ConfigSchema.Files)
            Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, file.File)), ConfigLoader.ReadResource(file.Resource));
    }

    [Fact]
    public void Docs_configuration_md_is_what_the_declarations_render()
    {
        var path = Path.Combine(RepoPaths.Root, "docs", "configuration.md");
        Assert.True(File.Exists(path), "docs/configuration.md is missing; write it with: dotnet run --project src/FFActors.Cli -c Release -- config --doc > docs/configuration.md");
        var expected = ConfigSchema.RenderMarkdown();
        var actual = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(expected == actual,
            "docs/configuration.md differs from the key declarations; regenerate it with: dotnet run --project src/FFActors.Cli -c Release -- config --doc > docs/configuration.md");
    }

    [Fact]
    public void The_key_reference_names_every_key_its_range_and_default()
    {
        var md = ConfigSchema.RenderMarkdown();
        foreach (var key in ConfigSchema.Files.SelectMany(f => f.Keys)) Assert.Contains($"| `{key.Path}` |", md);
        Assert.Contains("| `run.threads` | integer in [0, 256] | `0` |", md);
        Assert.Contains("| `runtime.credit-window` | integer in [1, 64] | `3` |", md);
    }

    public static TheoryData<string, string> RefusedTrainValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var key in ConfigSchema.Train.Keys.Concat(ConfigSchema.Cluster.Keys))
            foreach (var value in key.Refused) data.Add(key.Path, value);
        return data;
    }

    /// <summary>Every declared key of the train and cluster references (run, data, model, train, eval, runtime, cluster) refuses
    /// what its declaration refuses, with the key as data and one line naming the --set.</summary>
    [Theory]
    [MemberData(nameof(RefusedTrainValues))]
    public void Every_key_refuses_a_bad_value_with_the_key_as_data(string key, string value)
    {
        var loaded = ConfigLoader.Load(null, [$"{key}={value}"]);
        var e = Assert.Throws<ConfigException>(() =>
        {
            var binder = new ConfigBinder(loaded);
            binder.Bind();
            binder.BindRuntime();
            binder.BindCluster();
        });
        Assert.Equal(key, e.Key);
        Assert.StartsWith($"--set {key}={value}: {key}: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}

/// <summary>The experiment file's own keys go through the same declarations.</summary>
public class ExperimentSchemaTests
{
    public static TheoryData<string, string> RefusedExperimentValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var key in FFActors.Cli.Configuration.Keys.ExperimentKeys.Group.Keys.Where(k => k.Allowed != "object"))
            foreach (var value in key.Refused) data.Add(key.Path, value);
        return data;
    }

    [Theory]
    [MemberData(nameof(RefusedExperimentValues))]
    public void Every_experiment_key_refuses_a_bad_value_with_the_key_as_data(string key, string value)
    {
        var file = Path.Combine(TempFolder.New(), "exp.conf");
        File.WriteAllText(file, $"experiment {{\n  arms {{ a {{}} }}\n  {key["experiment.".Length..]} = {value}\n}}\n");
        var e = Assert.Throws<ConfigException>(() => FFActors.Cli.Experiments.ExperimentLoader.Load(file, quick: false));
        Assert.Equal(key, e.Key);
        Assert.StartsWith($"{file}: experiment: {key}: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
