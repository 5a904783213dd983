<%@ Control Language="C#" AutoEventWireup="true" CodeBehind="Pager.ascx.cs" Inherits="Contoso.Helpdesk.Controls.Pager" %>
<div class="pager">
    <asp:LinkButton ID="lnkPrev" runat="server" Text="&laquo; Previous" OnClick="lnkPrev_Click" />
    <asp:Repeater ID="rptPages" runat="server" OnItemCommand="rptPages_ItemCommand">
        <ItemTemplate>
            <asp:LinkButton runat="server" CommandName="Page" CommandArgument='<%# Container.DataItem %>'
                CssClass='<%# (int)Container.DataItem == CurrentPage ? "current" : "" %>' Text='<%# Container.DataItem %>' />
        </ItemTemplate>
    </asp:Repeater>
    <asp:LinkButton ID="lnkNext" runat="server" Text="Next &raquo;" OnClick="lnkNext_Click" />
    <span class="info">Page <%= CurrentPage %> of <%= PageCount %></span>
</div>
