using System.CommandLine;
using FFActors.Cli.Configuration;
using FFActors.Cli.Configuration.Schema;

namespace FFActors.Cli.Commands;

/// <summary>
/// <c>ffactors config</c>: checks a configuration the way <c>train</c> would and prints it resolved;
/// <c>--doc</c> prints the key reference (docs/configuration.md) rendered from the key declarations.
/// </summary>
public static class ConfigCommand
{
    static readonly Option<bool> DocOption = new("--doc") { Description = "Print the reference of every key (Markdown, as docs/configuration.md)" };
    static readonly Option<string?> ConfigOption = new("--config", "-c") { Description = "HOCON file with the keys to change" };
    static readonly Option<string[]> SetOption = new("--set", "-s") { Description = "Override one key: --set train.epochs=10 (repeatable)", Arity = ArgumentArity.ZeroOrMore };

    public static Command Create()
    {
        var command = new Command("config", "Check a configuration and print it resolved (reference + --config + --set), or print the key reference (--doc)");
        foreach (var o in new Option[] { DocOption, ConfigOption, SetOption }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            Console.Out.Write(parse.GetValue(DocOption) ? ConfigSchema.RenderMarkdown() : Resolved(parse.GetValue(ConfigOption), parse.GetValue(SetOption) ?? []));
            return 0;
        });
        return command;
    }

    /// <summary>The configuration a run would get, after every check binding makes.</summary>
    public static string Resolved(string? file, IReadOnlyList<string> overrides)
    {
        var loaded = ConfigLoader.Load(file, overrides);
        var binder = new ConfigBinder(loaded);
        binder.Bind();
        binder.BindRuntime();
        return loaded.Render();
    }
}
