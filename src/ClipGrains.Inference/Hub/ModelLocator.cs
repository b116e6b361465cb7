using ClipGrains.Inference.Model;

namespace ClipGrains.Inference.Hub;

/// <summary>Turns <see cref="ClipModelOptions"/> into a model folder, downloading from the hub when needed.</summary>
public static class ModelLocator
{
    /// <summary>The default cache: <c>$XDG_CACHE_HOME/clipgrains</c>, else <c>~/.cache/clipgrains</c>.</summary>
    public static string DefaultCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "clipgrains");
    }

    /// <summary>
    /// A folder when <see cref="ClipModelOptions.Path"/> is set; otherwise the cached (and if need be downloaded)
    /// copy of <see cref="ClipModelOptions.Id"/>.
    /// </summary>
    public static async Task<string> ResolveAsync(
        ClipModelOptions options, HubDownloader downloader, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(downloader);
        if (!string.IsNullOrEmpty(options.Path))
        {
            return options.Path;
        }

        if (!HubDownloader.IsRepoId(options.Id))
        {
            throw new ModelLoadException(options.Id, "not a model folder, and not a hub repository id of the form owner/name.");
        }

        var cache = options.CacheDirectory ?? DefaultCacheDirectory();
        return await downloader.EnsureModelAsync(options.Id, options.Revision, options.Variant, cache, progress, cancellationToken);
    }

    /// <summary>
    /// Interprets a command-line <c>--model</c> value: an existing folder is a path, anything else a hub id.
    /// </summary>
    public static ClipModelOptions FromArgument(string model, string? variant = null, string? cacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var options = new ClipModelOptions { Variant = variant ?? string.Empty, CacheDirectory = cacheDirectory };
        if (Directory.Exists(model))
        {
            options.Path = model;
        }
        else
        {
            options.Id = model;
        }

        return options;
    }
}
