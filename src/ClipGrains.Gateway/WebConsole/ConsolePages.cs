using Microsoft.Extensions.FileProviders;

namespace ClipGrains.Gateway.WebConsole;

/// <summary>
/// The web console: <c>/</c> serves its page and <c>/console/*</c> its script and stylesheet, from the
/// <c>console</c> folder beside the executable (copied there by the build). It talks only to this server's public
/// and admin APIs with the key the user types; the headers below forbid loading anything from elsewhere, framing
/// the page, and sniffing content types.
/// </summary>
internal static class ConsolePages
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static void Map(WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "console");
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            return;
        }

        var files = new PhysicalFileProvider(root);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = "/console",
            OnPrepareResponse = context => Secure(context.Context.Response),
        });
        app.MapGet("/", (HttpContext context) =>
        {
            Secure(context.Response);
            return Results.File(files.GetFileInfo("index.html").PhysicalPath!, "text/html; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
    }

    private static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-cache";
    }
}
