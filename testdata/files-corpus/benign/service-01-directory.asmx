<%@ WebService Language="C#" Class="Contoso.Intranet.DirectoryService" %>

using System;
using System.Collections.Generic;
using System.Data.SqlClient;
using System.Configuration;
using System.Web.Script.Services;
using System.Web.Services;

namespace Contoso.Intranet
{
    public class Person
    {
        public string Name { get; set; }
        public string Title { get; set; }
        public string Phone { get; set; }
        public string Office { get; set; }
    }

    [WebService(Namespace = "http://intranet.contoso.com/directory/")]
    [WebServiceBinding(ConformsTo = WsiProfiles.BasicProfile1_1)]
    [ScriptService]
    public class DirectoryService : WebService
    {
        static string Cs { get { return ConfigurationManager.ConnectionStrings["Directory"].ConnectionString; } }

        [WebMethod(Description = "Finds people whose name starts with the given text (at most 20).")]
        [ScriptMethod(ResponseFormat = ResponseFormat.Json)]
        public List<Person> Find(string prefix)
        {
            var list = new List<Person>();
            if (string.IsNullOrWhiteSpace(prefix) || prefix.Length > 50) return list;
            using (var conn = new SqlConnection(Cs))
            using (var cmd = new SqlCommand("SELECT TOP 20 Name, Title, Phone, Office FROM People WHERE Name LIKE @p + '%' ORDER BY Name", conn))
            {
                cmd.Parameters.AddWithValue("@p", prefix.Trim());
                conn.Open();
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        list.Add(new Person { Name = r.GetString(0), Title = r.GetString(1), Phone = r.GetString(2), Office = r.GetString(3) });
                    }
                }
            }
            return list;
        }

        [WebMethod(Description = "Server time, used by the kiosks to check the connection.")]
        public DateTime Ping()
        {
            return DateTime.UtcNow;
        }
    }
}
