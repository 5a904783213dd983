<%@ Page Title="Search" Language="C#" MasterPageFile="~/Site.Master" AutoEventWireup="true" CodeBehind="Search.aspx.cs" Inherits="Contoso.Intranet.Search" %>
<asp:Content ID="Main" ContentPlaceHolderID="MainContent" runat="server">
    <h2>Search results for &ldquo;<%= Server.HtmlEncode(Request.QueryString["q"] ?? "") %>&rdquo;</h2>
    <asp:Label ID="lblCount" runat="server" />
    <asp:ListView ID="lvResults" runat="server" ItemType="Contoso.Intranet.SearchHit">
        <LayoutTemplate><ol class="results"><asp:PlaceHolder ID="itemPlaceholder" runat="server" /></ol></LayoutTemplate>
        <ItemTemplate>
            <li>
                <a href="<%#: Item.Url %>"><%#: Item.Title %></a>
                <p><%#: Item.Snippet %></p>
                <span class="meta"><%#: Item.Modified.ToString("d MMM yyyy") %> &middot; <%#: Item.Author %></span>
            </li>
        </ItemTemplate>
        <EmptyDataTemplate><p>Nothing matched. Check the spelling or try fewer words.</p></EmptyDataTemplate>
    </asp:ListView>
    <asp:DataPager ID="pager" runat="server" PagedControlID="lvResults" PageSize="20" QueryStringField="page">
        <Fields><asp:NumericPagerField /></Fields>
    </asp:DataPager>
</asp:Content>
