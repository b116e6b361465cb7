namespace ClipGrains.Gateway.Tenancy;

/// <summary>Writes a stored body as is, with its status: what an idempotent replay sends.</summary>
internal sealed class BytesResult(int status, string contentType, byte[] body) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = contentType;
        httpContext.Response.ContentLength = body.Length;
        await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}
